package io.ipchls.device.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.h264.NalUnits;
import io.ipchls.device.ts.TestTsDemuxer;
import io.ipchls.device.ts.TsTrack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What every uploaded segment must be, checked by our own test demuxer and by ffprobe. */
public final class SegmentChecks {
  private SegmentChecks() {}

  /**
   * PAT/PMT first with exactly one H.264 track, continuity and CRCs right (the demuxer asserts those), the first PES
   * an IDR access unit with AUD, SPS, PPS and the random-access flag, increasing DTS; then ffprobe decodes every
   * frame and the first is a key frame.
   */
  public static void assertValidSegment(byte[] ts, Path scratch) throws Exception {
    TestTsDemuxer d = TestTsDemuxer.demux(ts);
    assertEquals(java.util.Map.of(TsTrack.H264_VIDEO.pid(), TsTrack.STREAM_TYPE_H264), d.streamTypes);
    assertTrue(d.patCount >= 1);
    TestTsDemuxer.Pes first = d.pes.get(0);
    assertTrue(first.randomAccess(), "first PES has random_access_indicator");
    List<Integer> types = AnnexB.split(first.payload()).stream().map(NalUnits::type).toList();
    assertEquals(List.of(NalUnits.AUD, NalUnits.SPS, NalUnits.PPS, NalUnits.IDR), types.subList(0, 4));
    for (int i = 1; i < d.pes.size(); i++) assertTrue(d.pes.get(i).dts() > d.pes.get(i - 1).dts(), "DTS increases");
    Path file = Files.createTempFile(scratch, "segment", ".ts");
    Files.write(file, ts);
    assertEquals(List.of("video,h264"), Ffprobe.streams(file).stream().map(SegmentChecks::typeFirst).toList());
    List<String> frames = Ffprobe.videoFrames(file);
    assertEquals(d.pes.size(), frames.size(), "ffprobe decodes every frame");
    assertEquals("1,I", frames.get(0));
  }

  /** ffprobe's csv lists codec_name before codec_type; we say "type,name". */
  private static String typeFirst(String csv) {
    String[] p = csv.split(",");
    return p[1] + "," + p[0];
  }
}
