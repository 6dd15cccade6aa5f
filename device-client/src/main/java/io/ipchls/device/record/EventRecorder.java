package io.ipchls.device.record;

import io.ipchls.device.segment.Segment;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between the segmenter and the uploads: passes every segment on in continuous mode; in event-only mode keeps the
 * last pre-roll of complete segments in a memory ring bounded in bytes and uploads nothing until a trigger, then
 * uploads the ring and every segment that starts before the post-roll after the last trigger ends (a new trigger
 * extends it).
 *
 * <p>Segments are cut at key frames, so the pre-roll is rounded up to whole segments: the ring keeps the fewest
 * newest segments that span at least the pre-roll back from now, and the clip starts at least the pre-roll before the trigger
 * (unless the byte bound dropped its oldest segments, counted). Segments keep their own times, so the cloud indexes
 * an event clip like any other segments; the first segment after a time gap is marked a discontinuity. Thread-safe:
 * the camera's thread adds segments, MQTT commands, events and the gateway trigger.
 */
public final class EventRecorder implements Consumer<Segment> {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final String cameraId;
  private final Consumer<Segment> uploads;
  private final LongSupplier wallClock;
  private final ArrayDeque<Segment> ring = new ArrayDeque<>();
  private RecordingMode mode;
  private long ringBytes;
  /** Segments starting before this wall time (epoch ms) are uploaded in event-only mode. */
  private long recordUntilMs = Long.MIN_VALUE;
  /** End of the last segment passed on, or MIN_VALUE before the first. */
  private long lastEndMs = Long.MIN_VALUE;
  private long clips;
  private long notRecorded;
  private long preRollDropped;
  private long lastTriggerMs;

  /**
   * @param wallClock the camera's wall clock, epoch ms, the clock of triggers: the pre-roll is kept back from now
   * @param uploads takes the segments to upload; called under this recorder's lock, so it must not block
   */
  public EventRecorder(String cameraId, RecordingMode mode, LongSupplier wallClock, Consumer<Segment> uploads) {
    this.cameraId = cameraId;
    this.mode = mode;
    this.wallClock = wallClock;
    this.uploads = uploads;
  }

  /** Takes a cut segment: passes it on, or keeps it in the pre-roll ring while no event is recording. */
  @Override
  public synchronized void accept(Segment s) {
    if (!mode.eventOnly() || s.startEpochMs() < recordUntilMs) {
      pass(s);
      return;
    }
    ring.addLast(s);
    ringBytes += s.size();
    trim();
  }

  /**
   * An event at {@code atMs} (the camera's wall clock): uploads the pre-roll and records until the post-roll after
   * it. In continuous mode there is nothing to do.
   */
  public synchronized void trigger(long atMs) {
    record(atMs, atMs + mode.postRollMs());
  }

  /**
   * An event at {@code atMs} that lasts until {@code endMs}: records until the post-roll after its end (or after
   * {@code atMs}, if later).
   */
  public synchronized void trigger(long atMs, long endMs) {
    record(atMs, Math.max(atMs, endMs) + mode.postRollMs());
  }

  private void record(long atMs, long untilMs) {
    if (!mode.eventOnly() || untilMs <= recordUntilMs) return;
    if (atMs >= recordUntilMs) clips++; // a trigger during a clip extends it
    recordUntilMs = untilMs;
    lastTriggerMs = atMs;
    LOG.info("camera {}: event clip recording until {} ({} pre-roll segment(s))", cameraId, untilMs, ring.size());
    while (!ring.isEmpty()) pass(ring.pollFirst());
    ringBytes = 0;
  }

  /** Switches mode; leaving event-only mode uploads the ring, as the start of continuous recording. */
  public synchronized void mode(RecordingMode next) {
    RecordingMode previous = mode;
    mode = next;
    if (previous.eventOnly() && !next.eventOnly()) {
      while (!ring.isEmpty()) pass(ring.pollFirst());
      ringBytes = 0;
    }
    if (next.eventOnly()) trim();
  }

  public synchronized RecordingMode mode() {
    return mode;
  }

  /** The counters now. */
  public synchronized EventCounters counters() {
    return new EventCounters(clips, ring.size(), ringBytes, notRecorded, preRollDropped, lastTriggerMs,
        recordUntilMs == Long.MIN_VALUE ? 0 : recordUntilMs);
  }

  /** Drops the oldest segments the pre-roll no longer needs, then any beyond the memory bound. */
  private void trim() {
    // back from now, not from the newest segment's end: frames reach the camera later than their time (encoder
    // latency, a busy CPU) or, after a stall, in a burst ahead of it; a trigger comes at the camera's now
    long now = wallClock.getAsLong();
    while (ring.size() > 1 && now - second().startEpochMs() >= mode.preRollMs()) drop(false);
    while (ringBytes > mode.preRollBytes()) drop(true);
  }

  private Segment second() {
    var it = ring.iterator();
    it.next();
    return it.next();
  }

  private void drop(boolean overBudget) {
    Segment s = ring.pollFirst();
    ringBytes -= s.size();
    notRecorded++;
    if (overBudget) {
      preRollDropped++;
      LOG.warn("camera {}: pre-roll memory ({} bytes) full, oldest segment dropped", cameraId, mode.preRollBytes());
    }
  }

  /** Passes {@code s} on, marked a discontinuity when it does not follow the last segment passed on. */
  private void pass(Segment s) {
    if (lastEndMs != Long.MIN_VALUE && s.startEpochMs() > lastEndMs + s.durationMs() / 2 && !s.discontinuity()) {
      s = s.asDiscontinuity();
    }
    lastEndMs = s.startEpochMs() + s.durationMs();
    uploads.accept(s);
  }
}
