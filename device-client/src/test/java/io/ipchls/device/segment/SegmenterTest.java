package io.ipchls.device.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.h264.NalUnits;
import io.ipchls.device.ts.TestTsDemuxer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SegmenterTest {
  // x264 High-profile SPS for 1920x1080, and a PPS; slices are opaque to the segmenter.
  private static final byte[] SPS = HexFormat.of().parseHex("67640028acd940780227e5c044000003000400000300083c60c658");
  private static final byte[] PPS = {0x68, (byte) 0xEE, 0x3C, (byte) 0x80};
  private static final long FRAME = 6_000; // 15 fps in 90 kHz ticks
  private static final long WALL = 1_700_000_000_000L;

  private final List<Segment> segments = new ArrayList<>();

  /** Frame i at 15 fps with a key frame every {@code gop} frames; key frames carry SPS/PPS unless told not to. */
  private static Frame frame(int i, int gop, boolean withParameterSets) {
    boolean key = i % gop == 0;
    byte[] slice = {(byte) (key ? 0x65 : 0x41), (byte) i, 0x10};
    List<byte[]> nals = key && withParameterSets ? List.of(SPS, PPS, slice) : List.of(slice);
    return new Frame(nals, 500_000 + i * FRAME, 500_000 + i * FRAME, key);
  }

  @Test
  void push_gopShorterThanTarget_cutsAtFirstKeyFrameAfterTarget() {
    Segmenter segmenter = new Segmenter(3_000, () -> WALL, segments::add);
    // key frame every 2 s, 10 s of video
    for (int i = 0; i < 150; i++) segmenter.push(frame(i, /* gop= */ 30, /* withParameterSets= */ true));
    segmenter.flush();
    // cuts at 4 s and 8 s (2 s is too early, 6 s is only 2 s into the second segment); the rest is 2 s long
    assertEquals(List.of(4_000L, 4_000L, 2_000L), segments.stream().map(Segment::durationMs).toList());
    assertEquals(List.of(WALL, WALL + 4_000, WALL + 8_000), segments.stream().map(Segment::startEpochMs).toList());
    assertEquals(List.of(0L, 1L, 2L), segments.stream().map(Segment::seq).toList());
    assertEquals(10_000L, segments.stream().mapToLong(Segment::durationMs).sum(), "durations sum to the stream");
  }

  @Test
  void newSegmenter_marksOnlyItsFirstSegmentAsStartingARun() {
    for (int run = 0; run < 2; run++) { // a restarted camera: a new segmenter on the same stream
      Segmenter segmenter = new Segmenter(3_000, () -> WALL, segments::add);
      for (int i = 0; i < 90; i++) segmenter.push(frame(i, /* gop= */ 45, /* withParameterSets= */ true));
      segmenter.flush();
    }
    assertEquals(List.of(true, false, true, false), segments.stream().map(Segment::startsRun).toList());
    assertEquals(Segmenter.TS_ORIGIN_90K, TestTsDemuxer.demux(segments.get(2).bytes()).pes.get(0).dts(),
        "the new run's timestamps start at the origin again");
  }

  @Test
  void markDiscontinuity_flagsOnlyTheNextSegmentToOpen() {
    Segmenter segmenter = new Segmenter(3_000, () -> WALL, segments::add);
    for (int i = 0; i < 45; i++) segmenter.push(frame(i, /* gop= */ 45, /* withParameterSets= */ true));
    segmenter.flush(); // frames lost here: the next segment is marked
    segmenter.markDiscontinuity();
    for (int i = 60; i < 150; i++) segmenter.push(frame(i, /* gop= */ 45, /* withParameterSets= */ true));
    segmenter.flush();
    assertEquals(List.of(false, true, false), segments.stream().map(Segment::discontinuity).toList());
    assertEquals(List.of(true, false, false), segments.stream().map(Segment::startsRun).toList(),
        "the same run: its timestamps go on");
  }

  @Test
  void push_everySegment_beginsWithAudSpsPpsIdrAndHasContinuousTimestamps() {
    Segmenter segmenter = new Segmenter(3_000, () -> WALL, segments::add);
    for (int i = 0; i < 100; i++) segmenter.push(frame(i, 45, i == 0)); // only the first IDR carries SPS/PPS
    segmenter.flush();
    assertEquals(3, segments.size());
    long expectedDts = Segmenter.TS_ORIGIN_90K;
    for (Segment s : segments) {
      TestTsDemuxer d = TestTsDemuxer.demux(s.bytes());
      List<Integer> types = AnnexB.split(d.pes.get(0).payload()).stream().map(NalUnits::type).toList();
      assertEquals(List.of(NalUnits.AUD, NalUnits.SPS, NalUnits.PPS, NalUnits.IDR), types, s.toString());
      assertTrue(d.pes.get(0).randomAccess());
      for (TestTsDemuxer.Pes pes : d.pes) {
        assertEquals(expectedDts, pes.dts());
        expectedDts += FRAME;
      }
      assertEquals(1920, s.width());
      assertEquals(1080, s.height());
      assertEquals("avc1.640028", s.codec());
      assertEquals(HexFormat.of().formatHex(sha256(s.bytes())), s.sha256());
    }
  }

  @Test
  void push_framesBeforeFirstKeyFrame_areDropped() {
    Segmenter segmenter = new Segmenter(1_000, () -> WALL, segments::add);
    // starts with 14 P-frames
    for (int i = 1; i < 30; i++) segmenter.push(frame(i, /* gop= */ 15, /* withParameterSets= */ true));
    segmenter.flush();
    assertEquals(14, segmenter.droppedFrames());
    assertEquals(List.of(1_000L), segments.stream().map(Segment::durationMs).toList());
  }

  @Test
  void push_lastSegment_lastsUntilItsLastFrameEnds() {
    Segmenter segmenter = new Segmenter(3_000, () -> WALL, segments::add);
    for (int i = 0; i < 50; i++) segmenter.push(frame(i, /* gop= */ 45, /* withParameterSets= */ true));
    segmenter.flush();
    assertEquals(List.of(3_000L, 333L), segments.stream().map(Segment::durationMs).toList()); // 5 frames
  }

  @Test
  void constructor_targetOutsideOneToSixtySeconds_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Segmenter(999, () -> WALL, segments::add));
    assertThrows(IllegalArgumentException.class, () -> new Segmenter(60_001, () -> WALL, segments::add));
  }

  @Test
  void push_timestampGoingBackwards_isRefused_andTheSegmentStaysIntact() {
    Segmenter segmenter = new Segmenter(1_000, () -> WALL, segments::add);
    for (int i = 0; i < 10; i++) segmenter.push(frame(i, /* gop= */ 15, /* withParameterSets= */ true));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> segmenter.push(frame(5, /* gop= */ 15, /* withParameterSets= */ true)));
    assertTrue(e.getMessage().contains("timestamps must increase"), e.getMessage());
    // equal is refused too
    assertThrows(IllegalArgumentException.class,
        () -> segmenter.push(frame(9, /* gop= */ 15, /* withParameterSets= */ true)));
    for (int i = 10; i < 20; i++) segmenter.push(frame(i, /* gop= */ 15, /* withParameterSets= */ true));
    segmenter.flush();
    TestTsDemuxer d = TestTsDemuxer.demux(segments.get(0).bytes());
    assertEquals(15, d.pes.size(), "frames 0..14, nothing of the refused ones");
    assertEquals(List.of(1_000L, 333L), segments.stream().map(Segment::durationMs).toList());
  }

  @Test
  void push_gopLongerThanSixtySeconds_isCutAtSixty_andFramesUntilTheNextKeyFrameAreDropped() {
    Segmenter segmenter = new Segmenter(3_000, () -> WALL, segments::add);
    int gop = 15 * 70; // a key frame every 70 s
    for (int i = 0; i < gop + 30; i++) segmenter.push(frame(i, gop, true));
    segmenter.flush();
    assertEquals(List.of(60_000L, 2_000L), segments.stream().map(Segment::durationMs).toList());
    assertEquals(List.of(WALL, WALL + 70_000), segments.stream().map(Segment::startEpochMs).toList());
    assertEquals(15 * 10, segmenter.droppedFrames(), "the last 10 s of the long GOP");
    for (Segment seg : segments) {
      assertTrue(TestTsDemuxer.demux(seg.bytes()).pes.get(0).randomAccess(), "starts with a key frame");
    }
  }

  @Test
  void wallClockStep_isDetected_flaggedOnTheNextSegment_andDatesFollowTheNewClock() {
    ManualClock clock = new ManualClock(WALL);
    Segmenter segmenter = new Segmenter(/* targetMs= */ 1_000, clock, /* audio= */ false, segments::add);
    for (int i = 0; i < 60; i++) {
      if (i == 30) clock.stepWall(-3_600_000); // NTP steps the clock back an hour
      segmenter.push(frame(i, /* gop= */ 15, /* withParameterSets= */ true));
      clock.advance(/* wallDeltaMs= */ 66, /* monoDeltaMs= */ 66);
    }
    segmenter.flush();
    assertEquals(List.of(false, false, true, false), segments.stream().map(Segment::clockJump).toList());
    assertEquals(List.of(WALL, WALL + 1_000, WALL + 2_000 - 3_600_000, WALL + 3_000 - 3_600_000),
        segments.stream().map(Segment::startEpochMs).toList());
    assertTrue(segments.stream().allMatch(x -> x.durationMs() == 1_000), "durations come from timestamps");
  }

  @Test
  void wallClockJitter_belowOneSecond_isNotAClockJump() {
    ManualClock clock = new ManualClock(WALL);
    Segmenter segmenter = new Segmenter(/* targetMs= */ 1_000, clock, /* audio= */ false, segments::add);
    for (int i = 0; i < 60; i++) {
      segmenter.push(frame(i, /* gop= */ 15, /* withParameterSets= */ true));
      clock.advance(66 + (i % 2 == 0 ? 400 : -400), /* monoDeltaMs= */ 66); // NTP slewing and scheduling noise
    }
    segmenter.flush();
    assertTrue(segments.stream().noneMatch(Segment::clockJump));
  }

  @Test
  void setTargetMillis_appliesToTheOpenSegment() {
    Segmenter segmenter = new Segmenter(3_000, () -> WALL, segments::add);
    for (int i = 0; i < 10; i++) segmenter.push(frame(i, /* gop= */ 15, /* withParameterSets= */ true));
    segmenter.setTargetMillis(1_000);
    for (int i = 10; i < 45; i++) segmenter.push(frame(i, /* gop= */ 15, /* withParameterSets= */ true));
    segmenter.flush();
    assertEquals(List.of(1_000L, 1_000L, 1_000L), segments.stream().map(Segment::durationMs).toList());
    assertThrows(IllegalArgumentException.class, () -> segmenter.setTargetMillis(61_000));
  }

  @Test
  void pushAudio_withoutDeclaredAudio_isRefused() {
    Segmenter segmenter = new Segmenter(3_000, () -> WALL, segments::add);
    assertThrows(IllegalStateException.class, () -> segmenter.pushAudio(new AudioFrame(Adts.silentFrame(), 0)));
  }

  private static byte[] sha256(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}

/** A clock the test moves: wall and monotonic time advance together unless the wall clock is stepped. */
final class ManualClock implements DeviceClock {
  private long wallMs;
  private long monoNanos;

  ManualClock(long wallMs) {
    this.wallMs = wallMs;
  }

  void advance(long wallDeltaMs, long monoDeltaMs) {
    wallMs += wallDeltaMs;
    monoNanos += monoDeltaMs * 1_000_000;
  }

  void stepWall(long deltaMs) {
    wallMs += deltaMs;
  }

  @Override
  public long wallMillis() {
    return wallMs;
  }

  @Override
  public long monotonicNanos() {
    return monoNanos;
  }
}
