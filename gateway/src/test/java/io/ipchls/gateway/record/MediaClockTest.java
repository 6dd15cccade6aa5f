package io.ipchls.gateway.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.gateway.rtp.SenderReport;
import org.junit.jupiter.api.Test;

class MediaClockTest {
  @Test
  void micros_followTheMediaClockFromTheFirstArrival() {
    MediaClock c = new MediaClock(90_000);
    assertEquals(5_000_000, c.micros(1_000, 5_000_000));
    assertEquals(6_000_000, c.micros(91_000, 999)); // later arrivals do not matter
  }

  @Test
  void alignTo_putsTheReportedInstantsTogether() {
    MediaClock video = new MediaClock(90_000);
    MediaClock audio = new MediaClock(48_000);
    video.micros(0, 1_000_000);  // video ts 0 arrived at 1.000 s
    audio.micros(0, 1_030_000);  // audio ts 0 arrived 30 ms later (jitter)
    // the camera says: video ts 90000 and audio ts 48000 were both sampled at wall time 100.000 s
    long shift = audio.alignTo(video, new SenderReport(1, 100_000_000, 90_000), new SenderReport(2, 100_000_000, 48_000));
    assertEquals(-30_000, shift);
    assertEquals(video.micros(90_000, 0), audio.micros(48_000, 0));
  }

  @Test
  void alignTo_reportsAtDifferentInstants_useTheWallClockBetween() {
    MediaClock video = new MediaClock(90_000);
    MediaClock audio = new MediaClock(8_000);
    video.micros(0, 0);
    audio.micros(0, 0);
    // audio ts 8000 at 100.5 s, video ts 90000 at 100 s: audio ts 4000 is video's instant; audio ts 0 is 0.5 s earlier
    audio.alignTo(video, new SenderReport(1, 100_000_000, 90_000), new SenderReport(2, 100_500_000, 8_000));
    assertEquals(video.micros(90_000, 0), audio.micros(4_000, 0));
  }

  @Test
  void alignTo_absurdReports_ignored() {
    MediaClock video = new MediaClock(90_000);
    MediaClock audio = new MediaClock(8_000);
    video.micros(0, 0);
    audio.micros(0, 0);
    assertEquals(0, audio.alignTo(video, new SenderReport(1, 100_000_000, 0), new SenderReport(2, 900_000_000, 0)));
    assertEquals(1_000_000, audio.micros(8_000, 0));
  }

  @Test
  void jump_driftWithinTenSeconds_isNone() {
    MediaClock c = new MediaClock(90_000);
    c.micros(0, 1_000_000);
    long t = c.micros(90_000 * 60, 0); // one minute of media
    assertEquals(0, c.jump(t, 1_000_000 + 60_000_000 + 9_000_000)); // arrived 9 s late (a stall)
  }

  @Test
  void jump_timestampsWentBack_reported() {
    MediaClock c = new MediaClock(90_000);
    c.micros(90_000 * 100, 1_000_000);
    long t = c.micros(90_000, 0); // the encoder restarted near 0
    assertEquals(-99_000_000 - 2_000_000, c.jump(t, 3_000_000));
  }

  @Test
  void jump_afterSenderReportAlignment_measuredFromTheAlignedTimeline() {
    MediaClock video = new MediaClock(90_000);
    MediaClock audio = new MediaClock(8_000);
    video.micros(0, 0);
    audio.micros(0, 0);
    audio.alignTo(video, new SenderReport(1, 100_000_000, 0), new SenderReport(2, 104_000_000, 0)); // 4 s shift
    assertEquals(0, audio.jump(audio.micros(8_000, 0), 1_000_000));
  }
}
