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

  /** Adds GOOD good notifications of other cameras and the bad ones (in the middle) to one batcher at once. */
  private Outcome writeAmongGood(List<SegmentNotification> bad) {
    var metrics = new IngestMetrics(new SimpleMeterRegistry());
    var policies = new CameraPolicies(ingest.pool, /* defaultRetentionDays= */ 7, /* ttlMs= */ 30_000,
        System::currentTimeMillis);
    var check = new BatchCheck(ingest.vertx, policies, /* store= */ null, System::currentTimeMillis,
        new QuotaCheck(ingest.pool));
    ConcurrentLinkedQueue<Rejection> rejections = new ConcurrentLinkedQueue<>();
    AtomicInteger acks = new AtomicInteger();
    var batcher = new SegmentBatcher(ingest.vertx, new SegmentRepository(ingest.pool, RecordingGapRule.DEFAULT),
        check, metrics, (r, ack) -> {
          rejections.add(r);
          ack.run();
        }, new SegmentBatcher.Limits(/* maxSize= */ 100, /* concurrency= */ 1,
            /* lingerMs= */ 0));
    List<Pending> batch = new ArrayList<>();
    List<String> goodKeys = new ArrayList<>();
    for (int i = 0; i < GOOD; i++) {
      String id = cameraId("isolate" + i);
      SegmentNotification n = segment(id, 2_000);
      goodKeys.add(n.key());
      batch.add(new Pending(id, n, acks::incrementAndGet));
      if (i == GOOD / 2) {
        bad.forEach(b -> batch.add(new Pending(b.key().substring(0, b.key().indexOf('/')), b, acks::incrementAndGet)));
      }
    }
    ingest.vertx.getOrCreateContext().runOnContext(x -> batch.forEach(batcher::add));
    Await.until("every notification acknowledged", Duration.ofMillis(IngestTestSupport.TIMEOUT_MS), acks::get,
        n -> n == GOOD + bad.size());
    return new Outcome(goodKeys, List.copyOf(rejections));
  }

  private static void assertOnlyTheBadOnesRefused(Outcome o, String... sqlStates) {
    assertEquals(sqlStates.length, o.rejections().size(), "exactly the bad notifications are refused: "
        + o.rejections());
    for (int i = 0; i < sqlStates.length; i++) {
      Rejection r = o.rejections().get(i);
      assertEquals(SegmentBatcher.UNSTORABLE, r.reason());
      assertTrue(r.message().contains("SQLSTATE " + sqlStates[i]), r.message());
    }
    for (String key : o.goodKeys()) {
      String id = key.substring(0, key.indexOf('/'));
      assertEquals(List.of(key), ingest.keysOf(id), "the good segment of " + id + " is indexed once");
    }
  }

  @Test
  void nulByteThatPostgresTextRefuses_failsAlone() {
    SegmentNotification n = segment(cameraId("isolate-nul"), 2_000);
    assertOnlyTheBadOnesRefused(writeAmongGood(List.of(new SegmentNotification(n.v(), n.key(), n.start(),
        n.durationMs(), n.bytes(), n.sha256(), n.seq(), "avc1\u0000", n.width(), n.height(), n.deviceTime(),
        n.clockJump(), n.discontinuity()))), "22021");
  }

  @Test
  void twoOffendersInOneBatch_eachFailsAlone() {
    PoisonTrigger.install(ingest);
    try {
      assertOnlyTheBadOnesRefused(writeAmongGood(List.of(
          PoisonTrigger.markedNotification(cameraId("isolate-check"), "check"),
          PoisonTrigger.markedNotification(cameraId("isolate-overflow"), "overflow"))), "23514", "22003");
    } finally {
      PoisonTrigger.remove(ingest);
    }
  }
}
