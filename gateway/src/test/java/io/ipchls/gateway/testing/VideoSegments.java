package io.ipchls.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.h264.NalUnits;
import io.ipchls.device.testing.Ffprobe;
import io.ipchls.device.ts.TestTsDemuxer;
import io.ipchls.device.ts.TsTrack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What every video-only segment recorded from a camera must be. Like device-client's {@code SegmentChecks}, but a
 * camera's key frame may carry SEI and other NAL units after its parameter sets (x264 and most cameras do), so the
 * first access unit must begin with AUD, SPS, PPS and contain an IDR picture; and ffmpeg must decode every frame
 * without a single error (a picture referring to a lost one would be one).
 */
public final class VideoSegments {
  private VideoSegments() {}

  public static void assertValid(byte[] ts, Path scratch) throws Exception {
    TestTsDemuxer d = TestTsDemuxer.demux(ts);
    assertEquals(Map.of(TsTrack.H264_VIDEO.pid(), TsTrack.STREAM_TYPE_H264), d.streamTypes);
    TestTsDemuxer.Pes first = d.pes.get(0);
    assertTrue(first.randomAccess(), "first PES has random_access_indicator");
    List<Integer> types = AnnexB.split(first.payload()).stream().map(NalUnits::type).toList();
    assertEquals(List.of(NalUnits.AUD, NalUnits.SPS, NalUnits.PPS), types.subList(0, 3));
    assertTrue(types.contains(NalUnits.IDR), "the first access unit is an IDR picture: " + types);
    for (int i = 1; i < d.pes.size(); i++) assertTrue(d.pes.get(i).dts() > d.pes.get(i - 1).dts(), "DTS increases");
    Path file = Files.createTempFile(scratch, "segment", ".ts");
    Files.write(file, ts);
    // ffprobe appends side data (x264's SEI) to a frame's line and adds an empty line after it
    List<String> frames = Ffprobe.videoFrames(file).stream().filter(l -> !l.isBlank()).toList();
    assertEquals(d.pes.size(), frames.size(), "ffprobe decodes every frame");
    assertTrue(frames.get(0).startsWith("1,I"), frames.get(0));
    Replays.assertPlays(file);
  }

  /**
   * Checks every video packet's timestamps as ffprobe reads them: DTS strictly increasing, never after the PTS.
   *
   * @return how many packets have a PTS after their DTS (reordered pictures: B-frames)
   */
  public static int assertTimestampsSane(Path media) throws Exception {
    List<String> lines = Ffprobe.run("-select_streams", "v:0", "-show_entries", "packet=pts,dts", "-of", "csv=p=0",
        media.toString()).strip().lines().filter(l -> !l.isBlank()).toList();
    assertTrue(!lines.isEmpty(), "packets in " + media); // the last segment, cut at the end, may hold one
    long previousDts = Long.MIN_VALUE;
    int reordered = 0;
    for (String line : lines) {
      String[] f = line.split(",");
      long pts = Long.parseLong(f[0].trim());
      long dts = Long.parseLong(f[1].trim());
      assertTrue(dts > previousDts, "DTS increases in " + media + ": " + line);
      assertTrue(dts <= pts, "DTS not after PTS in " + media + ": " + line);
      if (pts > dts) reordered++;
      previousDts = dts;
    }
    return reordered;
  }
}
