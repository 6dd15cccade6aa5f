package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.IngestTestSupport.Camera;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentRejected;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Plays one bad notification in the middle of a burst of good ones from other cameras (enough to fill batches and to
 * reach every ingest connection of the shared subscription), then checks what the cameras would see: the offender is
 * refused on its rejected topic with a reason and leaves no row, every good segment is indexed exactly once, and
 * afterwards ingest still indexes and still announces {@code ipchls.segments.indexed} (what moves live windows).
 */
final class MixedTraffic {
  static final int GOOD_CAMERAS = 4;
  static final int ROUNDS = 12;

  private final IngestTestSupport ingest;
  private final Consumer<String> upload;

  MixedTraffic(IngestTestSupport ingest) {
    this(ingest, key -> {});
  }

  /** With {@code upload} run on each good segment's key before it is announced (for the verification mode). */
  MixedTraffic(IngestTestSupport ingest, Consumer<String> upload) {
    this.ingest = ingest;
    this.upload = upload;
  }

  /** Publishes {@code badPayload} (built for the offender's camera id) among good traffic; returns its rejection. */
  SegmentRejected rejectAmongGood(String what, Function<String, byte[]> badPayload) {
    String badId = cameraId(what);
    List<Camera> good = new ArrayList<>();
    for (int i = 0; i < GOOD_CAMERAS; i++) good.add(ingest.camera(cameraId(what + "-ok" + i)));
    Set<String> announced = ConcurrentHashMap.newKeySet();
    MessageConsumer<Object> events = ingest.vertx.eventBus()
        .consumer(ClusterNames.SEGMENTS_INDEXED, m -> announced.add(String.valueOf(m.body())));
    try (Camera bad = ingest.camera(badId)) {
      List<List<String>> keys = burst(good, bad, badPayload);
      SegmentRejected rejected = bad.awaitRejection();
      for (int i = 0; i < GOOD_CAMERAS; i++) {
        List<String> expected = keys.get(i);
        String id = good.get(i).id;
        assertEquals(expected, ingest.awaitKeys(id, k -> k.size() >= expected.size()),
            "every good segment of " + id + " is indexed exactly once");
      }
      assertEquals(List.of(), ingest.keysOf(badId), "the offender leaves no row");
      keepsMoving(good.get(0), announced);
      return rejected;
    } finally {
      IngestTestSupport.await(events.unregister());
      good.forEach(Camera::close);
    }
  }

  /** ROUNDS good segments per good camera, published without waiting; the bad one goes out half-way. */
  private List<List<String>> burst(List<Camera> good, Camera bad, Function<String, byte[]> badPayload) {
    List<List<String>> keys = new ArrayList<>();
    good.forEach(c -> keys.add(new ArrayList<>()));
    List<Future<Integer>> sent = new ArrayList<>();
    for (int r = 0; r < ROUNDS; r++) {
      if (r == ROUNDS / 2) bad.publishRaw(badPayload.apply(bad.id));
      for (int i = 0; i < good.size(); i++) {
        SegmentNotification n = segment(good.get(i).id, (ROUNDS - r) * 3_000L);
        keys.get(i).add(n.key());
        upload.accept(n.key());
        sent.add(good.get(i).publishAsync(n));
      }
    }
    IngestTestSupport.await(Future.all(sent));
    return keys;
  }

  /** After the offender: one more good segment is indexed and announced to playlist instances. */
  private void keepsMoving(Camera cam, Set<String> announced) {
    SegmentNotification next = segment(cam.id, 0);
    upload.accept(next.key());
    cam.publish(next);
    assertTrue(ingest.awaitKeys(cam.id, k -> k.contains(next.key())).contains(next.key()));
    Await.until("a segments-indexed event with " + next.key(), Duration.ofMillis(IngestTestSupport.TIMEOUT_MS),
        () -> announced.stream().anyMatch(e -> e.contains(next.key())), found -> found);
  }

  /** Asserts the rejection's reason code and that its detail mentions {@code mention}. */
  static void assertReason(String code, String mention, SegmentRejected r) {
    assertTrue(r.reason().startsWith(code + ": "), "reason " + r.reason() + " should start with " + code);
    assertTrue(r.reason().contains(mention), "reason " + r.reason() + " should mention " + mention);
  }
}
