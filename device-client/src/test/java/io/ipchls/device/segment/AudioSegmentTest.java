package io.ipchls.device.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.sim.SimulatedCamera;
import io.ipchls.device.testing.Ffprobe;
import io.ipchls.device.ts.TestTsDemuxer;
import io.ipchls.device.ts.TsTrack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** AAC audio is declared and muxed only when the camera has it, with the stream types and ids of ISO/IEC 13818-1. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AudioSegmentTest {
  @TempDir Path dir;

  private List<Segment> record(boolean audio) {
    List<Segment> segments = new ArrayList<>();
    Segmenter segmenter = new Segmenter(3_000, DeviceClock.wallOnly(() -> 1_700_000_000_000L), audio, segments::add);
    List<Frame> video = new ArrayList<>();
    new SimulatedCamera(/* width= */ 320, /* height= */ 180, /* fps= */ 15, /* keyFrameInterval= */ 45,
        "audio", video::add).generate(46);
    List<byte[]> aac = Adts.frames();
    int a = 0;
    for (Frame f : video) {
      segmenter.push(f);
      while (audio && a < aac.size() && a * Adts.FRAME_90K <= f.pts90k()) {
        segmenter.pushAudio(new AudioFrame(aac.get(a), a * Adts.FRAME_90K));
        a++;
      }
    }
    return segments;
  }

  @Test
  void withAudio_segmentDeclaresH264AndAac_perOurParserAndFfprobe() throws Exception {
    Segment s = record(true).get(0);
    TestTsDemuxer d = TestTsDemuxer.demux(s.bytes());
    assertEquals(Map.of(TsTrack.H264_VIDEO.pid(), TsTrack.STREAM_TYPE_H264,
        TsTrack.AAC_AUDIO.pid(), TsTrack.STREAM_TYPE_AAC_ADTS), d.streamTypes);
    List<TestTsDemuxer.Pes> audio = d.pes.stream().filter(p -> p.pid() == TsTrack.AAC_AUDIO.pid()).toList();
    assertTrue(audio.size() > 100, "about 3 s of AAC frames: " + audio.size());
    assertTrue(audio.stream().allMatch(p -> p.streamId() == TsTrack.STREAM_ID_AUDIO));
    assertTrue(d.pes.stream().filter(p -> p.pid() == TsTrack.H264_VIDEO.pid())
        .allMatch(p -> p.streamId() == TsTrack.STREAM_ID_VIDEO));
    assertEquals((Adts.FRAME_90K), audio.get(1).pts() - audio.get(0).pts());
    Ffprobe.require();
    Path ts = dir.resolve("av.ts");
    Files.write(ts, s.bytes());
    assertEquals(List.of("h264,video", "aac,audio"), Ffprobe.streams(ts));
    String decoded = Ffprobe.run("-select_streams", "a", "-count_frames", "-show_entries", "stream=nb_read_frames",
        "-of", "csv=p=0", ts).strip();
    assertEquals(audio.size(), Integer.parseInt(decoded.lines().filter(l -> !l.isBlank()).distinct().findFirst()
        .orElseThrow()));
  }

  @Test
  void withoutAudio_onlyTheVideoTrackIsDeclared() throws Exception {
    Segment s = record(false).get(0);
    assertEquals(Map.of(TsTrack.H264_VIDEO.pid(), TsTrack.STREAM_TYPE_H264), TestTsDemuxer.demux(s.bytes()).streamTypes);
    Ffprobe.require();
    Path ts = dir.resolve("v.ts");
    Files.write(ts, s.bytes());
    assertEquals(List.of("h264,video"), Ffprobe.streams(ts));
  }

  @Test
  void audioFrame_thatIsNotAdts_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new AudioFrame(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 0));
    byte[] truncated = Arrays.copyOf(Adts.silentFrame(), 20);
    assertThrows(IllegalArgumentException.class, () -> new AudioFrame(truncated, 0));
  }
}
