package io.ipchls.device.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.segment.Segment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pre-roll ring and the clip window, on segments as the segmenter cuts them (3 s, back to back). */
class EventRecorderTest {
  private static final long T0 = 1_780_000_000_000L;
  private static final long SEGMENT_MS = 3_000;

  private final List<Segment> uploaded = new ArrayList<>();
  /** The camera's wall clock: a segment is cut when the frame at its end arrives. */
  private long now;

  private static Segment segment(long seq, int bytes) {
    return new Segment(new byte[bytes], T0 + seq * SEGMENT_MS, SEGMENT_MS, seq, 1920, 1080, "avc1.640028", "00",
        false, 25);
  }

  private void feed(EventRecorder r, long fromSeq, long toSeq, int bytes) {
    for (long i = fromSeq; i < toSeq; i++) {
      now = T0 + (i + 1) * SEGMENT_MS;
      r.accept(segment(i, bytes));
    }
  }

  @Test
  void continuous_passesEverySegment() {
    EventRecorder r = new EventRecorder("cam", RecordingMode.CONTINUOUS, () -> now, uploaded::add);
    feed(r, 0, 5, 100);
    assertEquals(5, uploaded.size());
  }

  @Test
  void idle_uploadsNothing_andKeepsOnlyThePreRollRoundedUpToWholeSegments() {
    EventRecorder r = new EventRecorder("cam", RecordingMode.eventOnly(10_000, 20_000), () -> now, uploaded::add);
    feed(r, 0, 20, 100);
    assertEquals(List.of(), uploaded);
    // 10 s of 3 s segments: 4 segments (12 s) are the fewest that span the pre-roll
    assertEquals(4, r.counters().preRollSegments());
    assertEquals(16, r.counters().segmentsNotRecorded());
  }

  @Test
  void trigger_uploadsThePreRoll_andRecordsUntilThePostRollAfterTheLastTrigger() {
    EventRecorder r = new EventRecorder("cam", RecordingMode.eventOnly(10_000, 20_000), () -> now, uploaded::add);
    feed(r, 0, 20, 100); // segments 0..19 cut; segment 20 is open: [60 s, 63 s)
    long trigger = T0 + 61_000;
    r.trigger(trigger);
    assertEquals(List.of(16L, 17L, 18L, 19L), uploaded.stream().map(Segment::seq).toList());
    assertTrue(uploaded.get(0).startEpochMs() <= trigger - 10_000, "the clip starts the pre-roll before the trigger");
    feed(r, 20, 40, 100);
    Segment last = uploaded.get(uploaded.size() - 1);
    assertTrue(last.startEpochMs() + last.durationMs() >= trigger + 20_000, "and ends the post-roll after it");
    assertEquals(26, last.seq(), "and no later: 81 s is where segment 27 starts");
    assertEquals(1, r.counters().clips());
  }

  @Test
  void triggerDuringAClip_extendsIt() {
    EventRecorder r = new EventRecorder("cam", RecordingMode.eventOnly(10_000, 20_000), () -> now, uploaded::add);
    feed(r, 0, 20, 100);
    r.trigger(T0 + 61_000);
    feed(r, 20, 25, 100);
    r.trigger(T0 + 76_000);
    feed(r, 25, 40, 100);
    Segment last = uploaded.get(uploaded.size() - 1);
    assertEquals(31, last.seq(), "until 96 s, the end of segment 31");
    assertEquals(1, r.counters().clips(), "one clip, extended");
  }

  @Test
  void secondClip_afterAGap_startsWithADiscontinuity() {
    EventRecorder r = new EventRecorder("cam", RecordingMode.eventOnly(3_000, 3_000), () -> now, uploaded::add);
    feed(r, 0, 10, 100);
    r.trigger(T0 + 30_500);
    feed(r, 10, 30, 100);
    int firstClip = uploaded.size();
    r.trigger(T0 + 90_500);
    feed(r, 30, 40, 100);
    assertFalse(uploaded.get(1).discontinuity(), "inside a clip segments follow on");
    assertTrue(uploaded.get(firstClip).discontinuity(), "the second clip follows a gap");
    assertTrue(uploaded.get(firstClip - 1).seq() + 1 < uploaded.get(firstClip).seq());
    assertEquals(segment(0, 100).sha256(), uploaded.get(firstClip).sha256(), "otherwise the same segment");
    assertEquals(2, r.counters().clips());
  }

  @Test
  void ring_withLargeSegments_staysWithinItsMemoryBound_andCountsWhatItDropped() {
    long bound = 5L << 20;
    EventRecorder r = new EventRecorder("cam", RecordingMode.eventOnly(30_000, 3_000).withPreRollBytes(bound),
        () -> now, uploaded::add);
    for (long i = 0; i < 30; i++) {
      now = T0 + (i + 1) * SEGMENT_MS;
      r.accept(segment(i, 2 << 20)); // 2 MiB segments: 5.3 Mbit/s, 30 s of pre-roll would need 22 MiB
      assertTrue(r.counters().preRollBytes() <= bound, "ring bytes " + r.counters().preRollBytes());
    }
    assertEquals(2, r.counters().preRollSegments());
    assertTrue(r.counters().preRollDropped() > 0);
    r.trigger(T0 + 90_500);
    assertEquals(List.of(28L, 29L), uploaded.stream().map(Segment::seq).toList());
  }

  @Test
  void leavingEventOnlyMode_uploadsTheRing_thenEverySegment() {
    EventRecorder r = new EventRecorder("cam", RecordingMode.eventOnly(6_000, 3_000), () -> now, uploaded::add);
    feed(r, 0, 10, 100);
    r.mode(RecordingMode.CONTINUOUS);
    feed(r, 10, 12, 100);
    assertEquals(List.of(8L, 9L, 10L, 11L), uploaded.stream().map(Segment::seq).toList());
  }

  @Test
  void framesArrivingLateOrEarly_theClipStillStartsThePreRollBeforeTheTrigger() {
    for (long delay : new long[] {2_500, -2_500}) { // cut 2.5 s after its end (latency), or before (a burst)
      uploaded.clear();
      long[] clock = {0};
      EventRecorder r = new EventRecorder("cam", RecordingMode.eventOnly(10_000, 3_000), () -> clock[0],
          uploaded::add);
      for (long i = 0; i < 20; i++) {
        clock[0] = T0 + (i + 1) * SEGMENT_MS + delay;
        r.accept(segment(i, 100));
      }
      r.trigger(clock[0]);
      assertTrue(uploaded.get(0).startEpochMs() <= clock[0] - 10_000, "delay " + delay + ": " + uploaded);
    }
  }

  @Test
  void preRollOverSixtySeconds_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> RecordingMode.eventOnly(61_000, 20_000));
  }

  @Test
  void postRollUnderOneSecond_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> RecordingMode.eventOnly(10_000, 500));
  }
}
