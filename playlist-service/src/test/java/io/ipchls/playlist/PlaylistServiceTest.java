package io.ipchls.playlist;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class PlaylistServiceTest {
  @Test
  void deploy_servesHealthOnTheConfiguredPort(Vertx vertx) throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    var env = new TestStack();
    var base = env.config(24);
    var cfg = new PlaylistConfig(new io.ipchls.kit.config.HttpConfig("127.0.0.1", port), base.db(), base.s3(),
        base.liveWindowSegments(), base.liveLookbackSeconds(), base.liveRefreshSeconds(),
        base.liveTargetDurationSeconds(), base.presignSeconds(),
        base.maxReplayHours(), base.segmentAccess(), base.viewer(),
        base.adminTokenSha256(), base.cors());
    await(PlaylistService.deploy(vertx, cfg));
    assertEquals(2, vertx.deploymentIDs().size(), "the HTTP verticle and its event feed (own event loop)");
    var r = await(WebClient.create(vertx).get(port, "127.0.0.1", "/health").send());
    assertEquals(200, r.statusCode(), r.bodyAsString());
  }
}
