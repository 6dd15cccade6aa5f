package io.ipchls.device.upload;

import io.ipchls.device.segment.Segment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Segments waiting for upload in memory, bounded by their total size. When a new segment would exceed the budget,
 * whole oldest segments leave the queue: into the spool when there is one, else they are dropped and counted.
 * During an outage a camera thus keeps its most recent video in memory. A segment larger than the whole budget is
 * still kept when it is the only one. Spool writes happen outside the queue's lock.
 */
final class UploadQueue {
  private final long budgetBytes;
  private final SegmentSpool spill;
  private final Deque<Segment> queue = new ArrayDeque<>();
  private long bytes;
  private long dropped;
  private boolean closed;

  /** @param spill where segments over the budget go, or null to drop them */
  UploadQueue(long budgetBytes, SegmentSpool spill) {
    if (budgetBytes <= 0) throw new IllegalArgumentException("queue budget must be positive");
    this.budgetBytes = budgetBytes;
    this.spill = spill;
  }

  /** Adds a segment at the tail; returns how many old segments left the queue (spooled or dropped) to make room. */
  int offer(Segment s) {
    List<Segment> over;
    synchronized (this) {
      if (closed) throw new IllegalStateException("queue closed");
      queue.addLast(s);
      bytes += s.size();
      over = removeOldestOverBudget();
      notifyAll();
    }
    spillOrDrop(over);
    return over.size();
  }

  /** Puts a segment back at the head, for a retry; it may leave again if newer segments fill the budget. */
  void requeue(Segment s) {
    List<Segment> over;
    synchronized (this) {
      queue.addFirst(s);
      bytes += s.size();
      over = removeOldestOverBudget();
      notifyAll();
    }
    spillOrDrop(over);
  }

  /** The oldest segment, waiting up to {@code timeout}; null on timeout, or when closed and empty. */
  synchronized Segment poll(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (queue.isEmpty() && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return null;
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return pollNow();
  }

  /** The oldest segment, or null when empty. */
  synchronized Segment pollNow() {
    Segment s = queue.pollFirst();
    if (s != null) bytes -= s.size();
    return s;
  }

  /** No more offers; {@link #poll} drains what is left, then returns null. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  synchronized boolean isClosed() {
    return closed;
  }

  synchronized boolean isClosedAndEmpty() {
    return closed && queue.isEmpty();
  }

  /** Moves everything left into the spool (or drops it, counted, without one); for a shutdown that cannot wait. */
  void spillAll() {
    List<Segment> all;
    synchronized (this) {
      all = new ArrayList<>(queue);
      queue.clear();
      bytes = 0;
    }
    spillOrDrop(all);
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

  private List<Segment> removeOldestOverBudget() {
    List<Segment> over = new ArrayList<>(0);
    while (bytes > budgetBytes && queue.size() > 1) {
      Segment s = queue.pollFirst();
      bytes -= s.size();
      over.add(s);
    }
    return over;
  }

  private void spillOrDrop(List<Segment> segments) {
    for (Segment s : segments) {
      if (spill == null || !spill.put(s)) {
        synchronized (this) {
          dropped++;
        }
      }
    }
  }
}
