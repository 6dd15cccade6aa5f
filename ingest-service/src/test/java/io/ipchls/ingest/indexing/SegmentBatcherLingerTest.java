package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.indexing.SegmentBatcher.Pending;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.protocol.SegmentNotification;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code batchLingerMs}: a free writer with less than half a batch queued waits for more, from the oldest queued
 * notification's arrival, so notifications that trickle in are written as one batch (one transaction, one commit)
 * instead of one by one; without the wait the first of them goes alone. Against the stock schema.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SegmentBatcherLingerTest {
  private static final int TRICKLE = 10;
  private static IngestTestSupport ingest;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start(); // migrates the schema
  }

  /** Adds TRICKLE notifications of distinct cameras, each in its own event-loop turn; returns the batches written. */
  private static long batchesFor(String name, int lingerMs) {
    var registry = new SimpleMeterRegistry();
    var metrics = new IngestMetrics(registry);
    var policies = new CameraPolicies(ingest.pool, /* defaultRetentionDays= */ 7, /* ttlMs= */ 30_000,
        System::currentTimeMillis);
    var check = new BatchCheck(ingest.vertx, policies, /* store= */ null, System::currentTimeMillis,
        new QuotaCheck(ingest.pool));
    AtomicInteger acks = new AtomicInteger();
    var batcher = new SegmentBatcher(ingest.vertx, new SegmentRepository(ingest.pool, RecordingGapRule.DEFAULT),
        check, metrics, (r, ack) -> ack.run(),
        new SegmentBatcher.Limits(/* maxSize= */ 100, /* concurrency= */ 1, lingerMs));
    var context = ingest.vertx.getOrCreateContext();
    String[] cameras = new String[TRICKLE];
    for (int i = 0; i < TRICKLE; i++) {
      cameras[i] = cameraId(name + i);
      SegmentNotification n = segment(cameras[i], 2_000);
      context.runOnContext(x -> batcher.add(new Pending(n.key().substring(0, n.key().indexOf('/')), n,
          acks::incrementAndGet)));
    }
    Await.until("every notification acknowledged", Duration.ofMillis(IngestTestSupport.TIMEOUT_MS), acks::get,
        n -> n == TRICKLE);
    for (String camera : cameras) assertEquals(1, ingest.keysOf(camera).size(), camera + " indexed once");
    return registry.find("segments.batch.size").summary().count();
  }

  @Test
  void notificationsTricklingIn_areWrittenAsOneBatch() {
    assertEquals(1, batchesFor("linger", /* lingerMs= */ 2_000));
  }

  @Test
  void withoutTheWait_theFirstIsWrittenAlone() {
    long batches = batchesFor("no-linger", /* lingerMs= */ 0);
    assertTrue(batches >= 2, "the first notification went alone: " + batches + " batches");
  }
}
