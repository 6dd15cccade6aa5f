package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.infra.Await;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A camera's restart mark ({@code discontinuity: true}, issue 14 item 5) is kept by the index: in the table, in the
 * read view playlist-service uses (which also counts a clock step), and in the event that moves live windows. An
 * older camera's notification without the field is indexed unmarked.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CameraRestartIndexingTest {
  private static IngestTestSupport ingest;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start();
  }

  @Test
  void restartMark_isStored_readThroughTheView_andAnnounced() {
    String id = cameraId("restart");
    SegmentNotification old = segment(id, 9_000); // an older camera: no discontinuity field at all
    SegmentNotification restarted = marked(segment(id, 6_000), /* clockJump= */ null, /* discontinuity= */ true);
    SegmentNotification stepped = marked(segment(id, 3_000), /* clockJump= */ true, /* discontinuity= */ null);
    Map<String, Boolean> announced = new ConcurrentHashMap<>();
    var consumer = ingest.vertx.eventBus().<JsonObject>consumer(ClusterNames.SEGMENTS_INDEXED, m -> {
      for (SegmentsIndexed.Entry e : ClusterMessages.fromJson(m.body(), SegmentsIndexed.class).segments()) {
        if (id.equals(e.cameraId())) announced.put(e.key(), e.startsRun());
      }
    });
    await(consumer.completion());
    try (var cam = ingest.camera(id)) {
      cam.publish(old);
      cam.publish(restarted);
      cam.publish(stepped);
      ingest.awaitKeys(id, keys -> keys.size() == 3);
    }
    assertEquals(Map.of(old.key(), false, restarted.key(), true, stepped.key(), false),
        column("SELECT object_key, discontinuity AS flag FROM ingest.segments WHERE camera_id = $1", id));
    assertEquals(Map.of(old.key(), false, restarted.key(), true, stepped.key(), true),
        column("SELECT object_key, discontinuity AS flag FROM ingest.segments_v1 WHERE camera_id = $1", id),
        "the read view marks the clock step too");
    // the event follows the commit, so it may arrive a moment after the rows are visible
    Await.until("the three segments announced", Duration.ofMillis(IngestTestSupport.TIMEOUT_MS),
        () -> Map.copyOf(announced), a -> a.size() == 3);
    assertEquals(Map.of(old.key(), false, restarted.key(), true, stepped.key(), true), announced,
        "the event carries the marks");
    await(consumer.unregister());
  }

  private static SegmentNotification marked(SegmentNotification n, Boolean clockJump, Boolean discontinuity) {
    return new SegmentNotification(n.v(), n.key(), n.start(), n.durationMs(), n.bytes(), n.sha256(), n.seq(),
        n.codec(), n.width(), n.height(), n.deviceTime(), clockJump, discontinuity);
  }

  private static Map<String, Boolean> column(String sql, String cameraId) {
    Map<String, Boolean> out = new TreeMap<>();
    for (Row r : await(ingest.pool.preparedQuery(sql).execute(Tuple.of(cameraId)))) {
      out.put(r.getString("object_key"), r.getBoolean("flag"));
    }
    return out;
  }
}
