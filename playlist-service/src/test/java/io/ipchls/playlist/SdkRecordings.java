package io.ipchls.playlist;

import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.segment.DeviceClock;
import io.ipchls.device.segment.Frame;
import io.ipchls.device.segment.Segment;
import io.ipchls.device.segment.Segmenter;
import io.ipchls.device.sim.JpegThumbnail;
import io.ipchls.infra.ScratchDir;
import io.ipchls.infra.TestTools;
import io.ipchls.ingest.indexing.SegmentRepository;
import io.ipchls.ingest.indexing.SegmentRow;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.protocol.ObjectKeys;
import io.vertx.sqlclient.Pool;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Recordings as the camera SDK makes them: an ffmpeg clip (x264 or x265, no B-frames, an access unit delimiter in
 * each access unit) cut by the SDK's {@link Segmenter} into MPEG-TS or fMP4 segments that report their key frame's
 * byte range, each with a JPEG thumbnail showing its start time; stored under the camera's prefix and indexed the way
 * ingest indexes the notifications the SDK sends (key frame range and thumbnail key included).
 */
public final class SdkRecordings {
  public static final int FPS = 25;
  /** Segment length: a key frame every 2 s. */
  public static final int SEGMENT_MS = 2_000;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  /** A stored recording: its segments as the SDK cut them, the rows as indexed, each segment's thumbnail. */
  public record Recording(String camera, List<Segment> segments, List<SegmentRow> rows, List<byte[]> thumbnails) {}

  private SdkRecordings() {}

  /** The SDK's segments of a {@code seconds}-long clip of {@code codec}, in {@code container}. */
  public static List<Segment> segments(VideoCodec codec, Container container, int seconds) throws Exception {
    try (ScratchDir dir = ScratchDir.create("ipchls-sdk-clip")) {
      return segments(codec, container, seconds, dir.resolve(codec == VideoCodec.H265 ? "clip.h265" : "clip.h264"));
    }
  }

  private static List<Segment> segments(VideoCodec codec, Container container, int seconds, Path clip)
      throws Exception {
    Path ffmpeg = TestTools.require("ffmpeg");
    List<String> cmd = new ArrayList<>(List.of(ffmpeg.toString(), "-v", "error", "-y", "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=" + FPS, "-t", Integer.toString(seconds), "-pix_fmt", "yuv420p"));
    if (codec == VideoCodec.H265) {
      cmd.addAll(List.of("-c:v", "libx265", "-preset", "ultrafast", "-x265-params",
          "keyint=50:min-keyint=50:scenecut=0:bframes=0:aud=1:log-level=error", "-f", "hevc"));
    } else {
      cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-g", "50", "-keyint_min", "50",
          "-sc_threshold", "0", "-x264-params", "aud=1", "-f", "h264"));
    }
    cmd.add(clip.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("ffmpeg: " + out);
    List<Segment> segments = new ArrayList<>();
    Segmenter segmenter = new Segmenter(SEGMENT_MS, DeviceClock.wallOnly(System::currentTimeMillis), null, container,
        segments::add);
    long frame = 90_000 / FPS;
    long i = 0;
    for (List<byte[]> au : accessUnits(AnnexB.split(Files.readAllBytes(clip)), codec)) {
      segmenter.push(Frame.of(codec, au, i * frame, i * frame));
      i++;
    }
    segmenter.flush();
    return segments;
  }

  /** Groups NAL units into access units at each access unit delimiter. */
  private static List<List<byte[]>> accessUnits(List<byte[]> nals, VideoCodec codec) {
    List<List<byte[]>> out = new ArrayList<>();
    for (byte[] nal : nals) {
      if (codec.nalType(nal) == codec.audType() || out.isEmpty()) out.add(new ArrayList<>());
      out.get(out.size() - 1).add(nal);
    }
    return out;
  }

  /** A 320x180 JPEG (the simulated camera's form) showing {@code time} in large digits. */
  public static byte[] thumbnail(Instant time) {
    BufferedImage picture = new BufferedImage(640, 360, BufferedImage.TYPE_3BYTE_BGR);
    var g = picture.createGraphics();
    try {
      g.setColor(new Color(20, 60, 120));
      g.fillRect(0, 0, 640, 360);
      g.setColor(Color.WHITE);
      g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 96));
      g.drawString(CLOCK.format(time), 40, 220);
    } finally {
      g.dispose();
    }
    return JpegThumbnail.of(picture);
  }

  /**
   * Stores the segments (their init segment, and with {@code thumbnails} a JPEG each) under the camera's prefix and
   * indexes them from {@code start}, one after the other.
   */
  public static Recording record(TestStack env, Pool pool, String camera, List<Segment> segments, Instant start,
      boolean thumbnails) {
    List<TestStack.Seg> objects = new ArrayList<>();
    List<SegmentRow> rows = new ArrayList<>();
    List<byte[]> jpegs = new ArrayList<>();
    Instant t = start;
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      String container = s.container().wireName();
      String key = ObjectKeys.segmentKey(camera, t, i, container);
      String initKey = s.init() == null ? null : ObjectKeys.initKey(camera, s.init().sha256());
      String thumbKey = thumbnails ? ObjectKeys.thumbnailKey(camera, t, i) : null;
      int duration = (int) s.durationMs();
      objects.add(new TestStack.Seg(camera, t, duration, key, s.bytes()));
      if (initKey != null) objects.add(new TestStack.Seg(camera, t, 1, initKey, s.init().bytes()));
      if (thumbKey != null) {
        byte[] jpeg = thumbnail(t);
        jpegs.add(jpeg);
        objects.add(new TestStack.Seg(camera, t, 1, thumbKey, jpeg));
      }
      OffsetDateTime at = t.atOffset(ZoneOffset.UTC);
      rows.add(new SegmentRow(camera, at, duration, key, s.size(), s.sha256(), i, s.codec(), s.width(), s.height(), at,
          /* clockJump= */ false, /* discontinuity= */ false, container, initKey, (double) FPS,
          /* targetSeconds= */ null, s.keyFrame().offset(), s.keyFrame().length(), thumbKey));
      t = t.plusMillis(duration);
    }
    env.upload(objects);
    TestStack.await(new SegmentRepository(pool, RecordingGapRule.DEFAULT).insertAndApplyGapRule(rows));
    return new Recording(camera, segments, rows, jpegs);
  }
}
