package io.ipchls.device.fmp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.testing.Ffmpeg;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clips planned from MPEG-TS segments that ffmpeg cut (H.264 with B-frames, H.265; AAC), written as the header then
 * each segment's rebuilt payload: ffprobe reads the length asked for, the first frame is a key frame, and ffmpeg
 * decodes every frame without an error.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClipPlanTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"libx264", "libx265"})
  void clip_ofWholeSegments_decodesWithTheirDuration(String encoder) throws Exception {
    List<byte[]> segments = segments(encoder);
    ClipPlanner planner = new ClipPlanner();
    for (byte[] s : segments) planner.add(ClipSegment.fromTs(s), Long.MIN_VALUE, Long.MAX_VALUE, false);
    Path clip = write(planner.plan(), segments);
    assertEquals("", Ffmpeg.decodeStrictly(clip));
    assertEquals(6.0, duration(clip), 0.1);
    assertEquals(encoder.equals("libx264") ? "h264,aac" : "hevc,aac", probe(clip, "stream=codec_name", null));
    assertEquals("1", firstKeyFlag(clip));
  }

  @Test
  void clip_ofPartOfTheSegments_startsAtTheKeyFrameBeforeStart() throws Exception {
    List<byte[]> segments = segments("libx264");
    ClipPlanner planner = new ClipPlanner();
    planner.add(ClipSegment.fromTs(segments.get(0)), 1000, Long.MAX_VALUE, false);
    planner.add(ClipSegment.fromTs(segments.get(1)), Long.MIN_VALUE, Long.MAX_VALUE, false);
    planner.add(ClipSegment.fromTs(segments.get(2)), Long.MIN_VALUE, 500, false);
    ClipPlan plan = planner.plan();
    Path clip = write(plan, segments);
    assertEquals("", Ffmpeg.decodeStrictly(clip));
    // from the key frame at 0 (before 1 s) to 4.5 s
    assertEquals(4.5, duration(clip), 0.1);
    assertEquals(4.5, plan.durationSeconds(), 0.05);
    assertEquals("1", firstKeyFlag(clip));
    assertTrue(new String(plan.header(), 4, 4).equals("ftyp") && new String(plan.header(), 36, 4).equals("moov"),
        "ftyp then moov first (faststart)");
  }

  @Test
  void clip_ofFmp4SegmentsWithBFrames_decodesFromAKeyFrame() throws Exception {
    Path out = dir.resolve("fmp4");
    Files.createDirectories(out);
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "2",
        "-pix_fmt", "yuv420p", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-c:a", "aac", "-ac", "2",
        "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
        "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", out.resolve("s%d.m4s").toString(),
        out.resolve("m.m3u8").toString());
    byte[] init = Files.readAllBytes(out.resolve("init.mp4"));
    List<byte[]> segments = new ArrayList<>();
    for (int i = 0; Files.exists(out.resolve("s" + i + ".m4s")); i++) segments.add(Files.readAllBytes(out.resolve("s" + i + ".m4s")));
    ClipPlanner planner = new ClipPlanner();
    for (int i = 0; i < segments.size(); i++) {
      planner.add(ClipSegment.fromFmp4(init, segments.get(i)), i == 0 ? 1000 : Long.MIN_VALUE,
          i == segments.size() - 1 ? 1000 : Long.MAX_VALUE, false);
    }
    ClipPlan plan = planner.plan();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(plan.header());
    for (ClipPlan.Piece p : plan.pieces()) bytes.writeBytes(ClipPlan.payload(p, ClipSegment.fromFmp4(init, segments.get(p.segment()))));
    Path clip = dir.resolve("fmp4.mp4");
    Files.write(clip, bytes.toByteArray());
    assertEquals("", Ffmpeg.decodeStrictly(clip));
    assertEquals(2.0 * (segments.size() - 1) + 1, duration(clip), 0.1);
    assertEquals("h264,aac", probe(clip, "stream=codec_name", null));
    assertEquals("1", firstKeyFlag(clip));
  }

  @Test
  void clip_acrossAVideoConfigurationChange_isRefusedAtThatSegment() throws Exception {
    List<byte[]> h264 = segments("libx264");
    List<byte[]> h265 = segments("libx265");
    ClipPlanner planner = new ClipPlanner();
    planner.add(ClipSegment.fromTs(h264.get(0)), Long.MIN_VALUE, Long.MAX_VALUE, false);
    var change = assertThrows(ClipPlanner.ConfigurationChange.class,
        () -> planner.add(ClipSegment.fromTs(h265.get(0)), Long.MIN_VALUE, Long.MAX_VALUE, false));
    assertEquals(1, change.segment());
  }

  @Test
  void payload_ofAChangedSegment_isRefused() throws Exception {
    List<byte[]> segments = segments("libx264");
    ClipPlanner planner = new ClipPlanner();
    planner.add(ClipSegment.fromTs(segments.get(0)), Long.MIN_VALUE, Long.MAX_VALUE, false);
    ClipPlan plan = planner.plan();
    assertThrows(IllegalStateException.class,
        () -> ClipPlan.payload(plan.pieces().get(0), ClipSegment.fromTs(segments.get(1))));
  }

  /** Three 2 s segments (key frame every 2 s, B-frames for H.264) with AAC, as ffmpeg's HLS muxer cuts them. */
  private List<byte[]> segments(String encoder) throws Exception {
    Path out = dir.resolve(encoder);
    Files.createDirectories(out);
    List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi",
        "-i", "sine=frequency=440:sample_rate=48000", "-t", "6", "-c:v", encoder, "-preset", "ultrafast",
        "-pix_fmt", "yuv420p", "-g", "50", "-keyint_min", "50", "-c:a", "aac", "-ac", "2"));
    if (encoder.equals("libx264")) args.addAll(List.of("-bf", "2", "-sc_threshold", "0"));
    else args.addAll(List.of("-x265-params", "log-level=error:scenecut=0"));
    args.addAll(List.of("-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod", "-hls_segment_filename",
        out.resolve("s%d.ts").toString(), out.resolve("m.m3u8").toString()));
    Ffmpeg.run(args.toArray());
    List<byte[]> segments = new ArrayList<>();
    for (int i = 0; Files.exists(out.resolve("s" + i + ".ts")); i++) segments.add(Files.readAllBytes(out.resolve("s" + i + ".ts")));
    assertEquals(3, segments.size());
    return segments;
  }

  private Path write(ClipPlan plan, List<byte[]> segments) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(plan.header());
    for (ClipPlan.Piece p : plan.pieces()) {
      assertEquals(out.size(), p.offset(), "pieces follow one another");
      out.writeBytes(ClipPlan.payload(p, ClipSegment.fromTs(segments.get(p.segment()))));
    }
    assertEquals(plan.length(), out.size());
    Path file = Files.createTempFile(dir, "clip", ".mp4");
    Files.write(file, out.toByteArray());
    return file;
  }

  static double duration(Path clip) throws Exception {
    return Double.parseDouble(probe(clip, "format=duration", null));
  }

  static String firstKeyFlag(Path clip) throws Exception {
    String flags = probe(clip, "packet=flags", "v");
    return flags.startsWith("K") ? "1" : "0 (" + flags.substring(0, Math.min(10, flags.length())) + ")";
  }

  static String probe(Path clip, String entries, String select) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
    if (select != null) cmd.addAll(List.of("-select_streams", select, "-read_intervals", "%+#1"));
    cmd.addAll(List.of("-show_entries", entries, "-of", "csv=p=0", clip.toString()));
    return String.join(",", Stream.of(TestMedia.lines(TestMedia.run(cmd)).toArray(String[]::new)).toList()).trim();
  }
}
