package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.indexing.NotificationCheck.Rejection;
import io.ipchls.ingest.indexing.SegmentBatcher.Pending;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.protocol.SegmentNotification;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The batcher against the stock schema, with notifications that skip {@link NotificationCheck} (as a gap in the
 * grammar would let through): what PostgreSQL itself refuses is split out of its batch and refused alone, and every
 * other camera's segment of the batch is committed and acknowledged.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SegmentBatcherIsolationTest {
  private static final int GOOD = 9;
  private static IngestTestSupport ingest;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start(); // migrates the schema
  }

  private record Outcome(List<String> goodKeys, List<Rejection> rejections) {}

  /** Adds GOOD good notifications of other cameras and the bad one (in the middle) to one batcher at once. */
  private Outcome writeAmongGood(UnaryOperator<SegmentNotification> spoil) {
    var metrics = new IngestMetrics(new SimpleMeterRegistry());
    var policies = new CameraPolicies(ingest.pool, /* defaultRetentionDays= */ 7, /* ttlMs= */ 30_000,
        System::currentTimeMillis);
    var check = new BatchCheck(ingest.vertx, policies, /* store= */ null, System::currentTimeMillis);
    ConcurrentLinkedQueue<Rejection> rejections = new ConcurrentLinkedQueue<>();
    AtomicInteger acks = new AtomicInteger();
    var batcher = new SegmentBatcher(ingest.vertx, new SegmentRepository(ingest.pool, RecordingGapRule.DEFAULT),
        check, metrics, (r, ack) -> {
          rejections.add(r);
          ack.run();
        }, new SegmentBatcher.Limits(/* maxSize= */ 100, /* concurrency= */ 1));
    List<Pending> batch = new ArrayList<>();
    List<String> goodKeys = new ArrayList<>();
    for (int i = 0; i < GOOD; i++) {
      String id = cameraId("isolate" + i);
      SegmentNotification n = segment(id, 2_000);
      goodKeys.add(n.key());
      batch.add(new Pending(id, n, acks::incrementAndGet));
      if (i == GOOD / 2) {
        String bad = cameraId("isolate-bad");
        batch.add(new Pending(bad, spoil.apply(segment(bad, 2_000)), acks::incrementAndGet));
      }
    }
    ingest.vertx.getOrCreateContext().runOnContext(x -> batch.forEach(batcher::add));
    Await.until("every notification acknowledged", Duration.ofMillis(IngestTestSupport.TIMEOUT_MS), acks::get,
        n -> n == GOOD + 1);
    return new Outcome(goodKeys, List.copyOf(rejections));
  }

  private static void assertOnlyTheBadOneRefused(Outcome o, String sqlState) {
    assertEquals(1, o.rejections().size(), "exactly the bad notification is refused: " + o.rejections());
    Rejection r = o.rejections().get(0);
    assertEquals(SegmentBatcher.UNSTORABLE, r.reason());
    assertTrue(r.message().contains("SQLSTATE " + sqlState), r.message());
    for (String key : o.goodKeys()) {
      String id = key.substring(0, key.indexOf('/'));
      assertEquals(List.of(key), ingest.keysOf(id), "the good segment of " + id + " is indexed once");
    }
  }

  @Test
  void nulByteThatPostgresTextRefuses_failsAlone() {
    assertOnlyTheBadOneRefused(writeAmongGood(n -> new SegmentNotification(n.v(), n.key(), n.start(),
        n.durationMs(), n.bytes(), n.sha256(), n.seq(), "avc1\u0000", n.width(), n.height(), n.deviceTime(),
        n.clockJump())), "22021");
  }
}
