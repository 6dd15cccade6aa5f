package io.ipchls.bench.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.ipchls.bench.Latencies;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * The load generators' latency: a camera seen during the warm-up is cleared then, so its first sighting in the
 * measured window counts from its next publish, not from a publish of the warm-up (IngestThroughput reported a p99 of
 * its warm-up plus a second before this was so).
 */
class SeenLatencyTest {
  @Test
  void aPublishSeenDuringTheWarmUp_doesNotCountInTheMeasuredWindow() {
    AtomicLongArray publishedAt = new AtomicLongArray(2);
    Latencies latencies = new Latencies(16);
    SeenLatency seen = new SeenLatency(publishedAt, latencies);

    publishedAt.compareAndSet(0, 0, 1_000); // warm-up: camera 0 published at t=1000 and seen at t=1500
    seen.seen(0, 1_500);
    seen.measuring(true);
    publishedAt.compareAndSet(0, 0, 40_000); // measured: published at t=40000, seen at t=40050
    seen.seen(0, 40_050);
    publishedAt.compareAndSet(1, 0, 40_010); // camera 1, its oldest unseen publish
    publishedAt.compareAndSet(1, 0, 40_020); // a later one while the first is unseen: the oldest stays
    seen.seen(1, 40_100);
    seen.seen(1, 40_200); // nothing unseen: nothing recorded
    seen.measuring(false);
    publishedAt.compareAndSet(0, 0, 50_000);
    seen.seen(0, 50_500); // after the window: cleared, not recorded

    assertArrayEquals(new long[] {50, 90}, latencies.samples());
  }
}
