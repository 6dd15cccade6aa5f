package io.ipchls.playlist;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.playlist.events.SegmentsIndexedVerticle;
import io.ipchls.protocol.ClusterNames;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class PlaylistServiceTest {
  @Test
  void deploy_startsBothVerticles(Vertx vertx) {
    await(PlaylistService.deploy(vertx, new TestStack().config(24)));
    assertEquals(2, vertx.deploymentIDs().size());
  }

  @Test
  void segmentsIndexed_remembersWhenEachCameraLastHadNewSegments(Vertx vertx, VertxTestContext test) {
    var verticle = new SegmentsIndexedVerticle(Clock.systemUTC());
    await(vertx.deployVerticle(verticle));
    vertx.eventBus().publish(ClusterNames.SEGMENTS_INDEXED, "not json");
    vertx.eventBus().publish(ClusterNames.SEGMENTS_INDEXED,
        new JsonObject().put("cameras", new JsonArray().add("cam-a").add("Not/Valid")));
    vertx.setPeriodic(10, timer -> {
      if (verticle.lastIndexed("cam-a").isEmpty()) return; // the test's @Timeout is the deadline
      vertx.cancelTimer(timer);
      test.verify(() -> assertTrue(verticle.lastIndexed("Not/Valid").isEmpty()));
      test.completeNow();
    });
  }
}
