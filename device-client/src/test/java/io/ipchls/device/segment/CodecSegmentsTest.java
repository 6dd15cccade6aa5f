package io.ipchls.device.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.testing.EncodedClip;
import io.ipchls.device.testing.Ffmpeg;
import io.ipchls.device.testing.Ffprobe;
import io.ipchls.device.ts.TestTsDemuxer;
import io.ipchls.device.ts.TsTrack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * H.265 and H.264 with B-frames, encoded by x265/x264 with AAC, cut into segments and checked by ffprobe, by ffmpeg
 * decoding with {@code -xerror}, and by our own demuxer: each segment starts with a key frame and its parameter sets,
 * keeps the encoder's decoding order and timestamps (shifted by one constant), continues the previous segment's PTS
 * and DTS, and lasts what it reports; the durations add up to the clip.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CodecSegmentsTest {
  private static final long WALL = 1_700_000_000_000L;
  private static final long FRAME = 3_600; // 25 fps
  private static final int SECONDS = 6;

  @TempDir static Path dir;
  private static EncodedClip hevc;
  private static EncodedClip avc;

  @BeforeAll
  static void encode() throws Exception {
    hevc = EncodedClip.x265(dir, SECONDS);
    avc = EncodedClip.x264(dir, SECONDS);
  }

  @Test
  void h265_givenPtsAndDts_segmentsArePlayableAndContinuous() throws Exception {
    List<Segment> segments = segment(hevc, VideoCodec.H265, /* deriveDts= */ false);
    check(segments, hevc, VideoCodec.H265, /* dtsAsGiven= */ true);
    assertTrue(segments.get(0).codec().matches("hvc1\\.1\\.6\\.L\\d+\\.90,mp4a\\.40\\.2"), segments.get(0).codec());
  }

  @Test
  void h265_ptsOnly_derivesTheEncodersDecodingTimes() throws Exception {
    List<Segment> segments = segment(hevc, VideoCodec.H265, /* deriveDts= */ true);
    check(segments, hevc, VideoCodec.H265, /* dtsAsGiven= */ true); // x265 reorders 2: our DTS is ffmpeg's DTS
  }

  @Test
  void h264WithBFrames_givenPtsAndDts_segmentsArePlayableAndContinuous() throws Exception {
    List<Segment> segments = segment(avc, VideoCodec.H264, /* deriveDts= */ false);
    check(segments, avc, VideoCodec.H264, /* dtsAsGiven= */ true);
    assertEquals("avc1.64000d,mp4a.40.2", segments.get(0).codec());
  }

  @Test
  void h264WithBFrames_ptsOnly_derivesTheEncodersDecodingTimes() throws Exception {
    List<Segment> segments = segment(avc, VideoCodec.H264, /* deriveDts= */ true);
    check(segments, avc, VideoCodec.H264, /* dtsAsGiven= */ true);
  }

  /** Feeds the clip in decoding order, audio interleaved by time, into a segmenter with a 2 s target. */
  private static List<Segment> segment(EncodedClip clip, VideoCodec codec, boolean deriveDts) {
    List<Segment> segments = new ArrayList<>();
    Segmenter segmenter = new Segmenter(2_000, DeviceClock.wallOnly(() -> WALL), /* audio= */ true, segments::add);
    int a = 0;
    for (EncodedClip.Picture p : clip.pictures()) {
      for (; a < clip.audio().size() && clip.audio().get(a).pts90k() <= p.dts90k(); a++) {
        segmenter.pushAudio(new AudioFrame(clip.audio().get(a).adts(), clip.audio().get(a).pts90k()));
      }
      if (deriveDts) segmenter.pushDerivingDts(codec, p.nals(), p.pts90k());
      else segmenter.push(Frame.of(codec, p.nals(), p.pts90k(), p.dts90k()));
    }
    for (; a < clip.audio().size(); a++) {
      segmenter.pushAudio(new AudioFrame(clip.audio().get(a).adts(), clip.audio().get(a).pts90k()));
    }
    segmenter.flush();
    assertEquals(0, segmenter.droppedFrames());
    return segments;
  }

  private static void check(List<Segment> segments, EncodedClip clip, VideoCodec codec, boolean dtsAsGiven)
      throws Exception {
    assertEquals(SECONDS / 2, segments.size(), segments.toString());
    int streamType = codec == VideoCodec.H265 ? TsTrack.STREAM_TYPE_H265 : TsTrack.STREAM_TYPE_H264;
    List<TestTsDemuxer.Pes> allVideo = new ArrayList<>();
    TestTsDemuxer.Pes previousLast = null;
    long previousMaxPts = -1;
    for (Segment s : segments) {
      TestTsDemuxer d = TestTsDemuxer.demux(s.bytes());
      assertEquals(Map.of(TsTrack.H265_VIDEO.pid(), streamType, TsTrack.AAC_AUDIO.pid(), TsTrack.STREAM_TYPE_AAC_ADTS),
          d.streamTypes);
      List<TestTsDemuxer.Pes> video = d.pes.stream().filter(p -> p.pid() == TsTrack.H265_VIDEO.pid()).toList();
      TestTsDemuxer.Pes first = video.get(0);
      assertTrue(first.randomAccess(), "a segment starts at a random access point");
      List<Integer> types = AnnexB.split(first.payload()).stream().map(codec::nalType).toList();
      List<Integer> expectedStart = new ArrayList<>(List.of(codec.audType()));
      expectedStart.addAll(codec.parameterSetTypes());
      assertEquals(expectedStart, types.subList(0, expectedStart.size()), "AUD and parameter sets first");
      assertTrue(codec.isKey(AnnexB.split(first.payload())), "then a key picture");
      long minPts = video.stream().mapToLong(TestTsDemuxer.Pes::pts).min().orElseThrow();
      long maxPts = video.stream().mapToLong(TestTsDemuxer.Pes::pts).max().orElseThrow();
      assertEquals(first.pts(), minPts, "the key frame is the first picture shown");
      assertEquals(s.durationMs(), (maxPts - minPts + FRAME) / 90, "the pictures last the reported duration");
      for (TestTsDemuxer.Pes p : video) assertTrue(p.pts() >= p.dts(), "PTS >= DTS");
      if (previousLast != null) {
        assertEquals(previousLast.dts() + FRAME, first.dts(), "DTS continues from the previous segment");
        assertEquals(previousMaxPts + FRAME, minPts, "PTS continues from the previous segment");
      }
      previousLast = video.get(video.size() - 1);
      previousMaxPts = maxPts;
      allVideo.addAll(video);
      assertEquals(320, s.width());
      assertEquals(240, s.height());
      assertEquals(25.0, s.frameRate());
      checkWithFfmpeg(s, d, video, codec);
    }
    assertEquals(SECONDS * 1_000L, segments.stream().mapToLong(Segment::durationMs).sum(), "durations add up");
    assertEquals(clip.pictures().size(), allVideo.size(), "every picture, none dropped");
    long ptsShift = allVideo.get(0).pts() - clip.pictures().get(0).pts90k();
    long dtsShift = allVideo.get(0).dts() - clip.pictures().get(0).dts90k();
    for (int i = 0; i < allVideo.size(); i++) {
      EncodedClip.Picture in = clip.pictures().get(i);
      assertEquals(in.pts90k() + ptsShift, allVideo.get(i).pts(), "PTS of picture " + i + ", decoding order kept");
      if (dtsAsGiven) assertEquals(in.dts90k() + dtsShift, allVideo.get(i).dts(), "DTS of picture " + i);
      assertEquals(slices(codec, in.nals()), slices(codec, AnnexB.split(allVideo.get(i).payload())), "picture " + i);
    }
  }

  /** ffprobe sees the codec, the key flag and our timestamps; ffmpeg decodes everything without an error. */
  private static void checkWithFfmpeg(Segment s, TestTsDemuxer d, List<TestTsDemuxer.Pes> video, VideoCodec codec)
      throws Exception {
    Path file = Files.createTempFile(dir, "segment", ".ts");
    Files.write(file, s.bytes());
    assertEquals(List.of(codec == VideoCodec.H265 ? "hevc,video" : "h264,video", "aac,audio"), Ffprobe.streams(file));
    List<String> packets = Ffprobe.run("-select_streams", "v", "-show_entries", "packet=pts,dts,flags", "-of",
        "csv=p=0", file).strip().lines().filter(l -> !l.isBlank()).toList(); // side data prints an empty line
    assertEquals(video.size(), packets.size());
    for (int i = 0; i < video.size(); i++) {
      String[] f = packets.get(i).split(",");
      assertEquals(video.get(i).pts(), Long.parseLong(f[0]), "ffprobe's PTS");
      assertEquals(video.get(i).dts(), Long.parseLong(f[1]), "ffprobe's DTS");
      boolean key = codec.isKey(AnnexB.split(video.get(i).payload()));
      assertEquals(key, f[2].startsWith("K"), "ffprobe's key flag is ours: " + packets.get(i));
      if (i == 0) assertTrue(key, "the first picture is a key frame");
    }
    assertEquals("", Ffmpeg.decodeStrictly(file), "ffmpeg -xerror decodes the segment");
    String videoDuration = Ffprobe.run("-select_streams", "v", "-show_entries", "stream=duration", "-of", "csv=p=0",
        file).strip().lines().filter(l -> !l.isBlank()).findFirst().orElseThrow();
    assertEquals(s.durationMs(), Math.round(Double.parseDouble(videoDuration) * 1_000), "ffprobe's video duration");
    assertEquals(video.size(), Ffprobe.videoFrames(file).size(), "every picture decodes");
  }

  private static List<String> slices(VideoCodec codec, List<byte[]> nals) {
    return nals.stream().filter(n -> codec.isSlice(codec.nalType(n))).map(java.util.HexFormat.of()::formatHex)
        .toList();
  }
}
