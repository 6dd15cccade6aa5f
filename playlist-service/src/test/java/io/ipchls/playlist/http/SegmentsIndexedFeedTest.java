package io.ipchls.playlist.http;


import io.ipchls.infra.Await;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The live windows' event feed reads {@link SegmentsIndexed} records and survives whatever else is published. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class SegmentsIndexedFeedTest {
  private static final TestStack env = new TestStack();
  /** Generous: the event bus delivers in milliseconds, but the machine may be busy. */
  private static final Duration SOON = Duration.ofSeconds(20);
  private static Vertx vertx;
  private static PlaylistUnderTest app;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    app = PlaylistUnderTest.start(vertx, env);
  }

  @Test
  void malformedEvents_areCountedAndSkipped_goodOnesStillMoveTheWindow() {
    String cam = TestStack.camera("live-bad-events");
    List<Seg> all = app.openLiveWindow(cam);
    double before = malformedEvents();
    // what a broken or foreign sender might publish: no JSON object, a wrong type, an entry without its key
    vertx.eventBus().publish(ClusterNames.SEGMENTS_INDEXED, "not an event");
    vertx.eventBus().publish(ClusterNames.SEGMENTS_INDEXED, new JsonObject().put("segments", "none"));
    var keyless = new SegmentsIndexed.Entry(cam, all.get(1).start().toEpochMilli(), 3000, null,
        /* discontinuity= */ null, /* mediaSequence= */ 1L, /* discontinuitySequence= */ 0L);
    vertx.eventBus().publish(ClusterNames.SEGMENTS_INDEXED,
        ClusterMessages.toJson(new SegmentsIndexed(List.of(cam), List.of(keyless))));
    TestStack.announce(vertx, TestStack.numbered(all.subList(1, 3), /* firstSequence= */ 1, /* discontinuity= */ 0));
    List<String> expected = all.stream().map(Seg::key).toList();
    Await.until("the announced segments are live", SOON, () -> liveKeys(cam), expected::equals);
    Await.until("three malformed events counted", SOON, SegmentsIndexedFeedTest::malformedEvents,
        n -> n >= before + 3);
  }

  /** The feed's {@code playlist_events_malformed} gauge as /metrics shows it. */
  private static double malformedEvents() {
    return app.metrics().lines().filter(l -> l.startsWith("playlist_events_malformed "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(0);
  }

  /** The object keys of the camera's live playlist, in order. */
  private static List<String> liveKeys(String cam) {
    String prefix = "/" + env.stack.s3().bucket() + "/";
    return get("/playlist.m3u8?camera_id=" + cam).lines().filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .map(u -> URI.create(u).getPath().substring(prefix.length())).toList();
  }

  private static String get(String uri) {
    return app.get(uri).bodyAsString();
  }
}
