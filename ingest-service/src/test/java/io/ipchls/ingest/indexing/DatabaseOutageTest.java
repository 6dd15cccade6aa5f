package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A notification that cannot be written is held and retried, never dropped. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatabaseOutageTest {
  private static IngestTestSupport ingest;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start();
  }

  @Test
  void failingWrite_isRetriedUntilTheTableIsBack() {
    String id = cameraId("outage");
    SegmentNotification n = segment(id, 3_000);
    double retriesBefore = ingest.metric("segments_write_retries_total");
    try (var cam = ingest.camera(id)) {
      // the index table "disappears": every insert fails until it is back
      await(ingest.pool.query("ALTER TABLE ingest.segments RENAME TO segments_away").execute());
      try {
        cam.publish(n);
        ingest.awaitMetric("segments_write_retries_total", v -> v >= retriesBefore + 2);
        ingest.awaitMetric("ingest_db_retrying", v -> v >= 1); // the alarm is up
        assertEquals(0, ingest.metric("segments_rejected_total{reason=\"unstorable\"}"),
            "a missing table is the database's trouble, not the segment's: nothing is refused");
      } finally {
        await(ingest.pool.query("ALTER TABLE ingest.segments_away RENAME TO segments").execute());
      }
      assertEquals(List.of(n.key()), ingest.awaitKeys(id, k -> !k.isEmpty()));
      ingest.awaitMetric("ingest_db_retrying", v -> v == 0); // and down again
    }
  }
}
