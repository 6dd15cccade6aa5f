package io.ipchls.device.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.codec.AudioCodec;
import io.ipchls.device.codec.ByteRange;
import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.testing.EncodedClip;
import io.ipchls.device.testing.Ffmpeg;
import io.ipchls.device.testing.Ffprobe;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key frame's byte range each segment reports, as an I-frame playlist's EXT-X-BYTERANGE hands it to a player:
 * cut out of real segments (x264 with B-frames into MPEG-TS, x265 with B-frames into fMP4, both with AAC interleaved),
 * ffprobe finds exactly one video frame in it, a key frame, and ffmpeg decodes it to the very picture the whole
 * segment starts with.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KeyFrameRangeTest {
  private static final long WALL = 1_700_000_000_000L;
  private static final int SECONDS = 4;

  @TempDir static Path dir;
  private static EncodedClip hevc;
  private static EncodedClip avc;

  @BeforeAll
  static void encode() throws Exception {
    Ffprobe.require();
    hevc = EncodedClip.x265(dir, SECONDS);
    avc = EncodedClip.x264(dir, SECONDS);
  }

  @Test
  void ts_h264_rangeFromTheTablesToTheKeyFramesPes_decodesToTheSegmentsFirstPicture() throws Exception {
    List<Segment> segments = segment(avc, VideoCodec.H264, Container.TS);
    assertEquals(SECONDS / 2, segments.size());
    for (Segment s : segments) {
      ByteRange range = s.keyFrame();
      assertNotNull(range, "every TS segment reports its key frame");
      assertEquals(0, range.offset(), "the PAT and PMT that start the segment come with the key frame");
      assertEquals(0, range.length() % 188, "whole transport packets");
      assertTrue(range.length() < s.size() / 2, "the key frame, not the segment: " + range + " of " + s.size());
      Path cut = write("ts-range", slice(s.bytes(), range));
      assertOneKeyFrame(cut);
      assertEquals(firstPicture(write("ts-segment", s.bytes())), firstPicture(cut), "the same picture");
    }
  }

  @Test
  void fmp4_h265_rangeFromTheMoofThroughTheKeyFramesSample_decodesWithTheInitSegment() throws Exception {
    List<Segment> segments = segment(hevc, VideoCodec.H265, Container.FMP4);
    assertEquals(SECONDS / 2, segments.size());
    for (Segment s : segments) {
      ByteRange range = s.keyFrame();
      assertNotNull(range, "every fMP4 segment reports its key frame");
      assertEquals("moof", new String(s.bytes(), (int) range.offset() + 4, 4, java.nio.charset.StandardCharsets.US_ASCII),
          "the range starts with the movie fragment");
      assertTrue(range.end() < s.size(), "the key frame, not the segment: " + range + " of " + s.size());
      Path cut = write("fmp4-range", s.init().bytes(), slice(s.bytes(), range));
      assertOneKeyFrame(cut);
      assertEquals(firstPicture(write("fmp4-segment", s.init().bytes(), s.bytes())), firstPicture(cut),
          "the same picture");
    }
  }

  /** ffprobe decodes the file: one video frame, a key frame (an I picture). */
  private static void assertOneKeyFrame(Path file) throws Exception {
    List<String> frames = Ffprobe.run("-select_streams", "v", "-show_frames", "-show_entries",
        "frame=key_frame,pict_type", "-of", "csv=p=0", file).strip().lines().filter(l -> l.startsWith("1,")
        || l.startsWith("0,")).map(l -> String.join(",", Arrays.asList(l.split(",")).subList(0, 2))).toList();
    assertEquals(List.of("1,I"), frames, "exactly one key frame picture in " + file.getFileName());
  }

  /** The MD5 of the first decoded picture (ffmpeg's framemd5 of the video, first frame only). */
  private static String firstPicture(Path file) throws Exception {
    Path md5 = Files.createTempFile(dir, "picture", ".md5");
    Ffmpeg.run("-i", file, "-map", "0:v:0", "-frames:v", "1", "-f", "framemd5", md5);
    String line = Files.readAllLines(md5).stream().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
    return line.substring(line.lastIndexOf(',') + 1).strip();
  }

  private static List<Segment> segment(EncodedClip clip, VideoCodec codec, Container container) {
    List<Segment> segments = new ArrayList<>();
    Segmenter segmenter = new Segmenter(2_000, DeviceClock.wallOnly(() -> WALL), AudioCodec.AAC, container,
        segments::add);
    int a = 0;
    for (EncodedClip.Picture p : clip.pictures()) {
      for (; a < clip.audio().size() && clip.audio().get(a).pts90k() <= p.dts90k(); a++) {
        segmenter.pushAudio(new AudioFrame(clip.audio().get(a).adts(), clip.audio().get(a).pts90k()));
      }
      segmenter.push(Frame.of(codec, p.nals(), p.pts90k(), p.dts90k()));
    }
    segmenter.flush();
    return segments;
  }

  private static byte[] slice(byte[] bytes, ByteRange r) {
    return Arrays.copyOfRange(bytes, (int) r.offset(), (int) r.end());
  }

  private static Path write(String name, byte[]... parts) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.write(p);
    Path f = Files.createTempFile(dir, name, name.startsWith("ts") ? ".ts" : ".mp4");
    Files.write(f, out.toByteArray());
    return f;
  }
}
