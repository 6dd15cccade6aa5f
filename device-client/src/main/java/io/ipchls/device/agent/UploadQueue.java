package io.ipchls.device.agent;

import io.ipchls.device.segment.Segment;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * Segments waiting for upload, bounded by their total size. When a new segment would exceed the budget, whole
 * oldest segments are dropped (and counted): during an outage a camera keeps its most recent video. A segment
 * larger than the whole budget is still kept when it is the only one.
 */
final class UploadQueue {
  private final long budgetBytes;
  private final Deque<Segment> queue = new ArrayDeque<>();
  private long bytes;
  private long dropped;
  private boolean closed;

  UploadQueue(long budgetBytes) {
    if (budgetBytes <= 0) throw new IllegalArgumentException("queue budget must be positive");
    this.budgetBytes = budgetBytes;
  }

  /** Adds a segment at the tail; returns how many old segments were dropped to make room. */
  synchronized int offer(Segment s) {
    if (closed) throw new IllegalStateException("queue closed");
    queue.addLast(s);
    bytes += s.size();
    int n = dropOldestOverBudget();
    notifyAll();
    return n;
  }

  /** Puts a segment back at the head, for a retry; may drop it again if newer segments fill the budget. */
  synchronized void requeue(Segment s) {
    queue.addFirst(s);
    bytes += s.size();
    dropOldestOverBudget();
    notifyAll();
  }

  /** The oldest segment, waiting up to {@code timeout}; null on timeout, or when closed and empty. */
  synchronized Segment poll(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (queue.isEmpty() && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return null;
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    Segment s = queue.pollFirst();
    if (s != null) bytes -= s.size();
    return s;
  }

  /** No more offers; {@link #poll} drains what is left, then returns null. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  synchronized boolean isClosedAndEmpty() {
    return closed && queue.isEmpty();
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized int size() {
    return queue.size();
  }

  synchronized long dropped() {
    return dropped;
  }

  private int dropOldestOverBudget() {
    int n = 0;
    while (bytes > budgetBytes && queue.size() > 1) {
      bytes -= queue.pollFirst().size();
      dropped++;
      n++;
    }
    return n;
  }
}
