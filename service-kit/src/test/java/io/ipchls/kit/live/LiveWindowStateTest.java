package io.ipchls.kit.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared live window: sliding, sequence numbers, idempotent appends, and its Hazelcast wire form. */
class LiveWindowStateTest {
  private static LiveSegment seg(long startMs) {
    return new LiveSegment(startMs, 3000, "cam/" + startMs + ".ts");
  }

  @Test
  void append_slidesTheWindow_andCountsSequenceAndDiscontinuities() {
    LiveWindowState w = LiveWindowState.of(3, List.of(seg(0), seg(3000)), 10, 2, 1);
    // a gap before 20000: when 3000 slides out, the first segment no longer continues the one that left
    w = w.append(List.of(seg(6000), seg(20000), seg(23000)), 2);
    assertEquals(List.of(seg(6000), seg(20000), seg(23000)), w.segments());
    assertEquals(12, w.firstSequence());
    assertEquals(2, w.firstDiscontinuity());
    w = w.append(List.of(seg(26000)), 3);
    assertEquals(13, w.firstSequence());
    assertEquals(3, w.firstDiscontinuity(), "6000 -> 20000 left the window: one more discontinuity before it");
  }

  private static LiveSegment restart(long startMs) {
    return new LiveSegment(startMs, 3000, "cam/" + startMs + ".ts", /* restart= */ true);
  }

  @Test
  void append_restartWithoutGap_countsAsDiscontinuityWhenItsPredecessorSlidesOut() {
    LiveWindowState w = LiveWindowState.of(2, List.of(seg(0), seg(3000)), 0, 0, 1);
    // the camera restarted right at 6000: no gap by time, but its timestamps start again
    w = w.append(List.of(restart(6000)), 2);
    assertEquals(0, w.firstDiscontinuity());
    w = w.append(List.of(seg(9000)), 3);
    assertEquals(List.of(restart(6000), seg(9000)), w.segments());
    assertEquals(1, w.firstDiscontinuity(), "3000 -> 6000 (restart) left the window");
    assertTrue(!LiveWindowState.continues(seg(3000), restart(6000)));
    assertTrue(LiveWindowState.continues(restart(6000), seg(9000)));
  }

  @Test
  void append_sameSegmentsTwice_changesOnlyTheVersion() {
    LiveWindowState once = LiveWindowState.of(6, List.of(seg(0)), 0, 0, 1).append(List.of(seg(3000)), 2);
    LiveWindowState twice = once.append(List.of(seg(3000)), 3);
    assertEquals(once.segments(), twice.segments());
    assertEquals(once.firstSequence(), twice.firstSequence());
    assertTrue(twice.version() > once.version());
  }

  @Test
  void append_olderSegment_isIgnored() {
    LiveWindowState w = LiveWindowState.of(6, List.of(seg(3000)), 5, 0, 1).append(List.of(seg(0)), 2);
    assertEquals(List.of(seg(3000)), w.segments());
    assertEquals(5, w.firstSequence());
  }

  @Test
  void serialisation_roundTrips() {
    InternalSerializationService ss = new DefaultSerializationServiceBuilder().build();
    LiveWindowState w = LiveWindowState.of(6, List.of(seg(0), restart(3000)), 7, 1, 42);
    LiveWindowState back = ss.toObject(ss.toData(w));
    assertEquals(w.segments(), back.segments());
    assertTrue(back.segments().get(1).restart(), "the restart mark survives the map");
    assertEquals(7, back.firstSequence());
    assertEquals(1, back.firstDiscontinuity());
    assertEquals(w.version(), back.version());
    assertEquals(42, back.refreshedAtMs());
  }
}
