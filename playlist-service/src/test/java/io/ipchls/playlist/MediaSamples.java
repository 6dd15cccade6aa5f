package io.ipchls.playlist;

import io.ipchls.infra.ScratchDir;
import io.ipchls.infra.TestTools;
import io.ipchls.ingest.indexing.SegmentRepository;
import io.ipchls.ingest.indexing.SegmentRow;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real camera media made by ffmpeg, as a camera would upload it: MPEG-TS segments, or fMP4 segments with their init
 * segment (H.264 or H.265 video, AAC or FLAC audio, the forms issue 16 names), each kind made once per test run. And
 * the way to put a recording of them where playlist-service finds it: the objects in the bucket under the camera's
 * prefix (the init content-named, as {@link ObjectKeys#initKey} says) and the rows through ingest's own indexing.
 */
public final class MediaSamples {
  /** What the segments hold. */
  public enum Kind {
    TS_H264_AAC("mpegts", "libx264", "aac", null),
    TS_HEVC_AAC("mpegts", "libx265", "aac", null),
    FMP4_H264_AAC("fmp4", "libx264", "aac", null),
    FMP4_H264_FLAC("fmp4", "libx264", "flac", null),
    FMP4_HEVC_AAC("fmp4", "libx265", "aac", "hvc1");

    final String segmentType;
    final String videoEncoder;
    final String audioEncoder;
    final String videoTag;

    Kind(String segmentType, String videoEncoder, String audioEncoder, String videoTag) {
      this.segmentType = segmentType;
      this.videoEncoder = videoEncoder;
      this.audioEncoder = audioEncoder;
      this.videoTag = videoTag;
    }

    public boolean isFmp4() {
      return segmentType.equals("fmp4");
    }
  }

  /** One kind's media: the init segment (null for TS), the segments, their durations, the RFC 6381 codecs. */
  public record Sample(Kind kind, byte[] init, List<byte[]> segments, List<Integer> durationsMs, String codecs,
      int width, int height, double frameRate) {}

  public static final int WIDTH = 320;
  public static final int HEIGHT = 240;
  public static final int FPS = 25;
  public static final int SEGMENTS = 3;
  private static final Map<Kind, Sample> MADE = new HashMap<>();

  private MediaSamples() {}

  /** The kind's media, made by ffmpeg on first use: {@value #SEGMENTS} segments of 2 s, a key frame each. */
  public static synchronized Sample of(Kind kind) {
    return MADE.computeIfAbsent(kind, MediaSamples::make);
  }

  private static Sample make(Kind kind) {
    try (ScratchDir scratch = ScratchDir.create("ipchls-media-" + kind.name().toLowerCase())) {
      return make(kind, scratch.path());
    }
  }

  /** ffmpeg's HLS muxer writes the segments into {@code dir}; they are read back into memory. */
  private static Sample make(Kind kind, Path dir) {
    try {
      Path ffmpeg = TestTools.require("ffmpeg");
      String ext = kind.isFmp4() ? "m4s" : "ts";
      List<String> cmd = new ArrayList<>(List.of(ffmpeg.toString(), "-v", "error", "-y",
          "-f", "lavfi", "-i", "testsrc2=size=" + WIDTH + "x" + HEIGHT + ":rate=" + FPS,
          "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
          "-t", Integer.toString(2 * SEGMENTS), "-c:v", kind.videoEncoder, "-preset", "ultrafast", "-pix_fmt", "yuv420p",
          "-g", Integer.toString(2 * FPS), "-keyint_min", Integer.toString(2 * FPS), "-c:a", kind.audioEncoder,
          "-ac", "2", "-strict", "-2"));
      if (kind.videoEncoder.equals("libx264")) cmd.addAll(List.of("-profile:v", "high", "-sc_threshold", "0"));
      else cmd.addAll(List.of("-x265-params", "log-level=error:scenecut=0"));
      if (kind.videoTag != null) cmd.addAll(List.of("-tag:v", kind.videoTag));
      cmd.addAll(List.of("-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
          "-hls_segment_type", kind.segmentType, "-hls_segment_filename", dir.resolve("seg%d." + ext).toString()));
      if (kind.isFmp4()) cmd.addAll(List.of("-hls_fmp4_init_filename", "init.mp4"));
      cmd.add(dir.resolve("media.m3u8").toString());
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("ffmpeg failed for " + kind + ": " + out);
      }
      List<byte[]> segments = new ArrayList<>();
      List<Integer> durations = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve("media.m3u8"))) {
        if (line.startsWith("#EXTINF:")) {
          durations.add((int) Math.round(Double.parseDouble(line.substring(8, line.indexOf(','))) * 1000));
        } else if (!line.isBlank() && !line.startsWith("#")) {
          segments.add(Files.readAllBytes(dir.resolve(line.trim())));
        }
      }
      byte[] init = kind.isFmp4() ? Files.readAllBytes(dir.resolve("init.mp4")) : null;
      String audio = kind.audioEncoder.equals("flac") ? "fLaC" : "mp4a.40.2";
      String video = kind.videoEncoder.equals("libx264") ? "avc1.64000d" : "hvc1.1.6.L60.90";
      if (init != null && kind.videoEncoder.equals("libx264")) video = avc1(init);
      return new Sample(kind, init, List.copyOf(segments), List.copyOf(durations), video + "," + audio, WIDTH, HEIGHT,
          FPS);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * RFC 6381 §3.3 {@code avc1.PPCCLL} from the init segment's AVCDecoderConfigurationRecord (ISO/IEC 14496-15
   * §5.3.3.1: configurationVersion, AVCProfileIndication, profile_compatibility, AVCLevelIndication).
   */
  static String avc1(byte[] init) {
    for (int i = 0; i + 8 < init.length; i++) {
      if (init[i] == 'a' && init[i + 1] == 'v' && init[i + 2] == 'c' && init[i + 3] == 'C') {
        return String.format("avc1.%02x%02x%02x", init[i + 5] & 0xff, init[i + 6] & 0xff, init[i + 7] & 0xff);
      }
    }
    throw new IllegalStateException("no avcC box in the init segment");
  }

  /** A recording of the sample by {@code camera}, indexed as ingest indexes it and stored in the bucket. */
  public record Recorded(String camera, List<SegmentRow> rows, List<SegmentsIndexed.Entry> indexed, String initKey) {}

  /**
   * Stores the sample's segments (and init segment) under the camera's prefix and indexes them from {@code start},
   * one after the other, with sequence numbers from {@code firstSeq}.
   */
  public static Recorded record(TestStack env, Pool pool, String camera, Sample sample, Instant start, long firstSeq) {
    String initKey = sample.init() == null ? null : ObjectKeys.initKey(camera, sha256Hex(sample.init()));
    List<TestStack.Seg> objects = new ArrayList<>();
    List<SegmentRow> rows = new ArrayList<>();
    Instant t = start;
    for (int i = 0; i < sample.segments().size(); i++) {
      long seq = firstSeq + i;
      String container = sample.kind().isFmp4() ? SegmentNotification.CONTAINER_FMP4 : SegmentNotification.CONTAINER_TS;
      String key = ObjectKeys.segmentKey(camera, t, seq, container);
      int duration = sample.durationsMs().get(i);
      byte[] bytes = sample.segments().get(i);
      objects.add(new TestStack.Seg(camera, t, duration, key, bytes));
      OffsetDateTime at = t.atOffset(ZoneOffset.UTC);
      rows.add(new SegmentRow(camera, at, duration, key, bytes.length, null, seq, sample.codecs(), sample.width(),
          sample.height(), at, /* clockJump= */ false, /* discontinuity= */ false, container, initKey,
          sample.frameRate()));
      t = t.plusMillis(duration);
    }
    if (initKey != null) objects.add(new TestStack.Seg(camera, start, 1, initKey, sample.init()));
    env.upload(objects);
    List<SegmentsIndexed.Entry> indexed = TestStack.await(
        new SegmentRepository(pool, RecordingGapRule.DEFAULT).insertAndApplyGapRule(rows)).segments();
    return new Recorded(camera, rows, indexed, initKey);
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where the sample's recording ends when it starts at {@code start}. */
  public static Instant end(Sample sample, Instant start) {
    return start.plusMillis(sample.durationsMs().stream().mapToLong(Integer::longValue).sum());
  }
}
