package io.ipchls.gateway.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.testing.CloudPerClass;
import io.ipchls.device.testing.TestCloud;
import io.ipchls.gateway.Gateway;
import io.ipchls.gateway.StatusServer;
import io.ipchls.gateway.config.CameraConfig;
import io.ipchls.gateway.config.GatewayConfig;
import io.ipchls.gateway.testing.Replays;
import io.ipchls.gateway.testing.RtspTestServer;
import io.ipchls.gateway.testing.VideoSegments;
import io.ipchls.infra.Await;
import io.ipchls.protocol.SegmentNotification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-only recording through the gateway (issue 19 item 5): an RTSP camera (GStreamer's server) configured
 * {@code "mode": "event"} stores nothing until {@code POST /cameras/{id}/trigger} on the status API, then a clip from
 * at least the pre-roll before the trigger to the post-roll after it, which ffmpeg plays. Each refusal of the route
 * has its own test.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GatewayTriggerTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String TOKEN = "gateway-control-token-0123";
  private static final int PRE_ROLL_S = 3;
  private static final int POST_ROLL_S = 3;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @RegisterExtension static final CloudPerClass CLOUD = new CloudPerClass(3600);
  @TempDir Path tmp;

  private GatewayConfig config(String token, CameraConfig... cameras) {
    TestCloud c = CLOUD.get();
    return new GatewayConfig(new GatewayConfig.Mqtt(c.mqttHost(), c.mqttPort(), false), tmp.resolve("spool").toString(),
        64, 20, /* reconnectMaxSeconds= */ 2, /* authRetrySeconds= */ 300, /* statusPort= */ 0, List.of(cameras),
        token);
  }

  private static CameraConfig eventOnly(TestCloud.Registered r, URI url) {
    return new CameraConfig(r.id(), r.secret(), url.toString(), null, null, null, /* segmentSeconds= */ 1, null,
        null, "event", PRE_ROLL_S, POST_ROLL_S);
  }

  private static HttpResponse<String> post(StatusServer http, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) b.header("Authorization", "Bearer " + token);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void eventOnlyCamera_storesNothingUntilTriggered_thenAClipAroundTheTrigger() throws Exception {
    TestCloud.Registered cam = CLOUD.get().register("gw-event");
    List<SegmentNotification> clip;
    long before;
    long after;
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264);
         Gateway gateway = new Gateway();
         StatusServer http = new StatusServer(0, gateway::status, TOKEN, gateway::trigger)) {
      gateway.apply(config(TOKEN, eventOnly(cam, server.url())));
      Await.until("streaming", WAIT, () -> gateway.status().get(0).state(), "STREAMING"::equals);
      Thread.sleep(2_000 * PRE_ROLL_S); // uploads would show here: the pre-roll ring fills, nothing leaves it
      assertEquals(List.of(), CLOUD.get().keys(cam.id()), "nothing stored while idle");
      before = System.currentTimeMillis();
      HttpResponse<String> r = post(http, "/cameras/" + cam.id() + "/trigger", TOKEN);
      after = System.currentTimeMillis();
      assertEquals(202, r.statusCode(), r.body());
      assertEquals("{\"camera\":\"" + cam.id() + "\",\"triggered\":true}", r.body());
      // the clip's last segment starts before the post-roll ends; the one after it is cut a second later
      Await.until("the clip's end", WAIT, () -> CLOUD.get().distinctNotifications(cam.id()), l -> !l.isEmpty()
          && l.get(l.size() - 1).start() + l.get(l.size() - 1).durationMs() >= before + POST_ROLL_S * 1000L);
      Thread.sleep(3_000); // anything recorded after the clip would show here
    }
    clip = CLOUD.get().awaitAllAnnounced(cam.id());
    SegmentNotification first = clip.get(0);
    SegmentNotification last = clip.get(clip.size() - 1);
    assertTrue(first.start() <= after - PRE_ROLL_S * 1000L, "starts at least the pre-roll before the trigger: "
        + first.start() + " vs " + after);
    assertTrue(last.start() < after + POST_ROLL_S * 1000L + 1_000, "and stops after the post-roll: " + clip);
    for (SegmentNotification n : clip) VideoSegments.assertValid(CLOUD.get().object(n.key()).asByteArray(), tmp);
    List<Path> runs = Replays.writeRuns(CLOUD.get(), clip, tmp);
    Replays.assertPlays(runs.get(0));
  }

  /** A gateway with one configured camera that never streams (nothing listens on port 1). */
  private interface WithServer {
    void run(StatusServer http, String cameraId) throws Exception;
  }

  private void withIdleGateway(String token, WithServer body) throws Exception {
    TestCloud.Registered cam = CLOUD.get().register("gw-trigger-refused");
    try (Gateway gateway = new Gateway();
         StatusServer http = new StatusServer(0, gateway::status, token, gateway::trigger)) {
      gateway.apply(config(token, eventOnly(cam, URI.create("rtsp://127.0.0.1:1/none"))));
      body.run(http, cam.id());
    }
  }

  @Test
  void trigger_withoutToken_is401() throws Exception {
    withIdleGateway(TOKEN, (http, id) -> {
      HttpResponse<String> r = post(http, "/cameras/" + id + "/trigger", null);
      assertEquals(401, r.statusCode());
      assertEquals("{\"error\":\"a bearer token (the config's controlToken) is required\"}", r.body());
    });
  }

  @Test
  void trigger_withWrongToken_is401() throws Exception {
    withIdleGateway(TOKEN, (http, id) ->
        assertEquals(401, post(http, "/cameras/" + id + "/trigger", TOKEN + "x").statusCode()));
  }

  @Test
  void trigger_withoutControlTokenConfigured_is403() throws Exception {
    withIdleGateway(null, (http, id) -> {
      HttpResponse<String> r = post(http, "/cameras/" + id + "/trigger", TOKEN);
      assertEquals(403, r.statusCode());
      assertTrue(r.body().contains("control routes are off"), r.body());
    });
  }

  @Test
  void trigger_ofUnknownCamera_is404() throws Exception {
    withIdleGateway(TOKEN, (http, id) -> {
      HttpResponse<String> r = post(http, "/cameras/no-such-camera/trigger", TOKEN);
      assertEquals(404, r.statusCode());
      assertEquals("{\"error\":\"no camera no-such-camera in the gateway's config\"}", r.body());
    });
  }

  @Test
  void trigger_withGet_is405() throws Exception {
    withIdleGateway(TOKEN, (http, id) -> {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port()
          + "/cameras/" + id + "/trigger")).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(405, r.statusCode());
    });
  }

  @Test
  void trigger_ofCameraNotStreaming_is409() throws Exception {
    withIdleGateway(TOKEN, (http, id) -> {
      HttpResponse<String> r = post(http, "/cameras/" + id + "/trigger", TOKEN);
      assertEquals(409, r.statusCode());
      assertEquals("{\"error\":\"camera " + id + " is not streaming: nothing to record\"}", r.body());
    });
  }
}
