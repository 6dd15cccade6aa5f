package io.ipchls.bench.ingest;

import io.ipchls.bench.Latencies;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Publish → seen latency per camera, as the load generators measure it: {@code publishedAt} holds, per camera, the
 * {@code System.nanoTime()} of its oldest publish not seen yet (the publishers set it when it is 0); seeing the camera
 * clears it, always, and records the latency only while measuring. A publish seen during the warm-up must be cleared
 * then, or the camera's first sighting in the measured window counts from a publish at the warm-up's start (which
 * made IngestThroughput's p99 its warm-up plus about a second, whatever the load).
 */
final class SeenLatency {
  private final AtomicLongArray publishedAt;
  private final Latencies latencies;
  private volatile boolean measuring;

  SeenLatency(AtomicLongArray publishedAt, Latencies latencies) {
    this.publishedAt = publishedAt;
    this.latencies = latencies;
  }

  /** Starts or stops recording (publishes seen meanwhile are cleared either way). */
  void measuring(boolean on) {
    measuring = on;
  }

  /** The camera's oldest unseen publish was seen at {@code nowNanos}. */
  void seen(int camera, long nowNanos) {
    long at = publishedAt.getAndSet(camera, 0);
    if (at != 0 && measuring) latencies.record(nowNanos - at);
  }
}
