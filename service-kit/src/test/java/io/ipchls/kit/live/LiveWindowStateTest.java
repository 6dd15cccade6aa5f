package io.ipchls.kit.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared live window: ingest's numbers in order, sliding, idempotent appends, and its Hazelcast wire form. */
class LiveWindowStateTest {
  /** Segment number {@code n}, 3 s each, contiguous, discontinuity sequence {@code disc}. */
  private static LiveSegment seg(long n, long disc) {
    return new LiveSegment(n * 3000, 3000, "cam/" + n + ".ts", n, disc);
  }

  /** A window loaded at time 1 with these segments (the counters matter only for an empty one). */
  private static LiveWindowState window(int capacity, LiveSegment... newest) {
    return LiveWindowState.of(capacity, List.of(newest), /* nextSequence= */ 0, /* lastDiscontinuity= */ 0,
        /* nowMs= */ 1);
  }

  @Test
  void append_slidesTheWindow_firstNumbersAreTheFirstSegments() {
    LiveWindowState w = window(3, seg(10, 2), seg(11, 2));
    w = w.append(List.of(seg(12, 2), seg(13, 3), seg(14, 3)), 2);
    assertEquals(List.of(seg(12, 2), seg(13, 3), seg(14, 3)), w.segments());
    assertEquals(12, w.firstSequence());
    assertEquals(2, w.firstDiscontinuity());
    assertEquals(15, w.nextSequence());
    assertEquals(3, w.lastDiscontinuity());
  }

  /** Segment number {@code n} as {@link #seg}, but marked by the camera as a restart. */
  private static LiveSegment restart(long n, long disc) {
    return new LiveSegment(n * 3000, 3000, "cam/" + n + ".ts", /* restart= */ true, n, disc);
  }

  @Test
  void append_restartWithoutGap_countsAsDiscontinuityWhenItsPredecessorSlidesOut() {
    LiveWindowState w = window(2, seg(0, 0), seg(1, 0));
    // the camera restarted right at the end of segment 1: no gap by time, but its timestamps start again, so ingest
    // counted a discontinuity in front of it (number_live_segments' break check, the rule of continues)
    w = w.append(List.of(restart(2, 1)), 2);
    assertEquals(0, w.firstDiscontinuity());
    w = w.append(List.of(seg(3, 1)), 3);
    assertEquals(List.of(restart(2, 1), seg(3, 1)), w.segments());
    assertEquals(1, w.firstDiscontinuity(), "1 -> 2 (restart) left the window");
    assertTrue(w.segments().get(0).restart(), "the mark stays with the segment");
    assertTrue(!LiveWindowState.continues(seg(1, 0), restart(2, 1)));
    assertTrue(LiveWindowState.continues(restart(2, 1), seg(3, 1)));
  }

  @Test
  void append_sameSegmentsTwice_changesOnlyTheVersion() {
    LiveWindowState once = window(6, seg(0, 0)).append(List.of(seg(1, 0)), 2);
    LiveWindowState twice = once.append(List.of(seg(1, 0), seg(0, 0)), 3);
    assertEquals(once.segments(), twice.segments());
    assertEquals(once.firstSequence(), twice.firstSequence());
    assertTrue(twice.version() > once.version());
  }

  @Test
  void append_numberAheadOfItsPredecessor_waitsForIt() {
    LiveWindowState w = window(6, seg(5, 0)).append(List.of(seg(7, 0)), 2);
    assertEquals(List.of(seg(5, 0)), w.segments());
    assertEquals(List.of(seg(7, 0)), w.pending());
    w = w.append(List.of(seg(6, 0)), 3);
    assertEquals(List.of(seg(5, 0), seg(6, 0), seg(7, 0)), w.segments());
    assertEquals(List.of(), w.pending());
  }

  @Test
  void append_aWholeWindowBehindAHole_skipsTheHole() {
    LiveWindowState w = window(3, seg(5, 0))
        .append(List.of(seg(8, 1), seg(9, 1)), 2);
    assertEquals(List.of(seg(5, 0)), w.segments());
    w = w.append(List.of(seg(10, 1)), 3);
    assertEquals(List.of(seg(8, 1), seg(9, 1), seg(10, 1)), w.segments());
    assertEquals(8, w.firstSequence());
  }

  @Test
  void of_noSegments_startsAtTheCountersNextNumber() {
    LiveWindowState w = LiveWindowState.of(6, List.of(), /* nextSequence= */ 42, /* lastDiscontinuity= */ 3,
        /* nowMs= */ 1);
    assertEquals(42, w.firstSequence());
    assertEquals(3, w.firstDiscontinuity());
    assertEquals(List.of(seg(42, 4)), w.append(List.of(seg(41, 3), seg(42, 4)), 2).segments());
  }

  @Test
  void serialisation_roundTrips() {
    InternalSerializationService ss = new DefaultSerializationServiceBuilder().build();
    LiveWindowState w = LiveWindowState.of(6, List.of(seg(7, 1), restart(8, 2)), /* nextSequence= */ 0,
        /* lastDiscontinuity= */ 0, /* nowMs= */ 42)
        .append(List.of(seg(10, 2)), 43);
    LiveWindowState back = ss.toObject(ss.toData(w));
    assertEquals(w.segments(), back.segments());
    assertEquals(w.pending(), back.pending());
    assertTrue(back.segments().get(1).restart(), "the restart mark survives the map");
    assertTrue(!back.segments().get(0).restart());
    assertEquals(7, back.firstSequence());
    assertEquals(1, back.firstDiscontinuity());
    assertEquals(9, back.nextSequence());
    assertEquals(w.version(), back.version());
    assertEquals(43, back.refreshedAtMs());
  }

  /** Segment {@code n} from a camera configured for {@code target} s segments. */
  private static LiveSegment targeted(long n, int target) {
    return new LiveSegment(n * 3000, 3000, "cam/" + n + ".ts", false, n, 0, null, target);
  }

  @Test
  void target_fromTheLoad_growsWithALongerAnnouncedLength_neverShrinks() {
    LiveWindowState w = LiveWindowState.of(6, List.of(targeted(0, 3)), /* nextSequence= */ 0,
        /* lastDiscontinuity= */ 0, /* targetSeconds= */ 3, /* nowMs= */ 1);
    assertEquals(3, w.targetSeconds());
    assertEquals(3, w.append(List.of(seg(1, 0)), 2).targetSeconds(), "a segment that says nothing changes nothing");
    LiveWindowState grown = w.append(List.of(targeted(1, 6)), 2);
    assertEquals(6, grown.targetSeconds());
    assertEquals(6, grown.append(List.of(targeted(2, 3)), 3).targetSeconds(), "back to 3 s: the target stays");
    assertEquals(3, w.append(List.of(targeted(2, 6)), 3).targetSeconds(),
        "a segment waiting for its predecessor does not set it yet");
    assertEquals(0, window(6, seg(0, 0)).targetSeconds(), "a camera that never said: 0, the playlist's default");
  }

  @Test
  void serialisation_keepsTheTarget() {
    InternalSerializationService ss = new DefaultSerializationServiceBuilder().build();
    LiveWindowState w = LiveWindowState.of(6, List.of(targeted(0, 3)), 0, 0, /* targetSeconds= */ 3, 1)
        .append(List.of(targeted(2, 5)), 2);
    LiveWindowState back = ss.toObject(ss.toData(w));
    assertEquals(3, back.targetSeconds());
    assertEquals(5, back.pending().get(0).targetSeconds());
  }
}
