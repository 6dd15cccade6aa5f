package io.ipchls.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code cameras/{id}/segments}: one uploaded segment. {@code start} and {@code deviceTime} are UTC epoch ms
 * ({@code start} is the camera's best estimate of the first frame's wall-clock time, {@code deviceTime} the camera
 * clock when it published); {@code seq} counts segments since the camera process started; {@code clockJump} marks the
 * first segment after the camera clock stepped; {@code discontinuity} (optional, absent from older cameras) marks a
 * segment whose timestamps do not continue the previous one's: the first after the camera process or encoder
 * (re)started, or after a clock step. Playlists put {@code #EXT-X-DISCONTINUITY} before such a segment however small
 * the gap.
 *
 * <p>Media description (issue 16; all optional, absent from older cameras): {@code codec} is the RFC 6381 codecs
 * string of every track in the segment, video first ({@code avc1.640028}, {@code hvc1.1.6.L93.B0},
 * {@code avc1.42c01e,mp4a.40.2}, {@code hvc1.1.6.L93.B0,fLaC}); {@code container} is {@link #CONTAINER_TS} (the default
 * when absent) or {@link #CONTAINER_FMP4}; {@code init} is the object key of the fMP4 initialization segment the
 * segment needs (required for fMP4, refused for TS; same grammar as {@code key}; ingest checks it lies under the camera's prefix);
 * {@code frameRate} is the nominal video frame rate in frames per second (0 or absent: unknown).
 *
 * <p>{@code targetSeconds} (optional, absent from older cameras) is the segment length the camera is configured to
 * cut, in whole seconds ({@link SegmentDuration#targetSecondsFor}), whatever this segment's own length: live playlists
 * take their {@code EXT-X-TARGETDURATION} from it (issue 18 item 7), so a 3 s camera's players wait 1.5 s, not 2 s,
 * after an unchanged reload. Within the {@link SegmentDuration} bounds.
 *
 * <p>Scrubbing (issue 18 item 3; optional, absent from older cameras): {@code keyFrame} is where the segment's first
 * key frame lies in its bytes, {@code {"offset":..,"length":..}}, inside {@code bytes}: for MPEG-TS from the PAT and
 * PMT before it to the end of its PES packet, for fMP4 from the moof to the end of the key frame's sample (see
 * docs/ARCHITECTURE.md); playlist-service lists these ranges in an I-frame playlist. {@code thumbnail} is the object
 * key of a small JPEG of the segment's picture (same grammar as {@code key}; ingest checks it lies under the camera's
 * prefix), uploaded before the notification.
 *
 * <p>Every field has a grammar and a range ({@link #problems()}), checked before any I/O, so that whatever passes
 * can be stored: text is printable ASCII of a bounded length (so its UTF-8 byte length is its length, and no NUL or
 * control character reaches the database), times lie in [{@link #MIN_EPOCH_MS}, {@link #MAX_EPOCH_MS}), numbers fit
 * their columns.
 */
public record SegmentNotification(
    int v,
    String key,
    long start,
    long durationMs,
    long bytes,
    String sha256,
    long seq,
    String codec,
    int width,
    int height,
    long deviceTime,
    Boolean clockJump,
    Boolean discontinuity,
    String container,
    String init,
    Double frameRate,
    Integer targetSeconds,
    KeyFrame keyFrame,
    String thumbnail) {
  public static final int VERSION = 1;

  /** Where the segment's first key frame lies in its bytes ({@code EXT-X-BYTERANGE:<length>@<offset>}). */
  public record KeyFrame(Long offset, Long length) {}

  /** MPEG-TS segments (ISO/IEC 13818-1), the seed's contract and the default. */
  public static final String CONTAINER_TS = "ts";
  /** Fragmented MP4 / CMAF segments (ISO/IEC 14496-12, 23000-19) that need an initialization segment. */
  public static final String CONTAINER_FMP4 = "fmp4";
  /** Largest frame rate accepted (frames per second). */
  public static final double MAX_FRAME_RATE = 1_000;

  /** A notification without the media description of issue 16 (an MPEG-TS segment, frame rate unknown). */
  public SegmentNotification(int v, String key, long start, long durationMs, long bytes, String sha256, long seq,
      String codec, int width, int height, long deviceTime, Boolean clockJump, Boolean discontinuity) {
    this(v, key, start, durationMs, bytes, sha256, seq, codec, width, height, deviceTime, clockJump, discontinuity,
        null, null, null, null, null, null);
  }

  /** A notification without the configured segment length (cameras before issue 18 item 7). */
  public SegmentNotification(int v, String key, long start, long durationMs, long bytes, String sha256, long seq,
      String codec, int width, int height, long deviceTime, Boolean clockJump, Boolean discontinuity,
      String container, String init, Double frameRate) {
    this(v, key, start, durationMs, bytes, sha256, seq, codec, width, height, deviceTime, clockJump, discontinuity,
        container, init, frameRate, /* targetSeconds= */ null);
  }

  /** A notification without the scrubbing fields of issue 18 item 3. */
  public SegmentNotification(int v, String key, long start, long durationMs, long bytes, String sha256, long seq,
      String codec, int width, int height, long deviceTime, Boolean clockJump, Boolean discontinuity,
      String container, String init, Double frameRate, Integer targetSeconds) {
    this(v, key, start, durationMs, bytes, sha256, seq, codec, width, height, deviceTime, clockJump, discontinuity,
        container, init, frameRate, targetSeconds, /* keyFrame= */ null, /* thumbnail= */ null);
  }

  /** The same notification announcing the camera's configured segment length. */
  public SegmentNotification withTargetSeconds(Integer seconds) {
    return new SegmentNotification(v, key, start, durationMs, bytes, sha256, seq, codec, width, height, deviceTime,
        clockJump, discontinuity, container, init, frameRate, seconds, keyFrame, thumbnail);
  }

  /** The same notification without its thumbnail (ingest found the thumbnail missing from the bucket). */
  public SegmentNotification withoutThumbnail() {
    return new SegmentNotification(v, key, start, durationMs, bytes, sha256, seq, codec, width, height, deviceTime,
        clockJump, discontinuity, container, init, frameRate, targetSeconds, keyFrame, null);
  }

  /** The container, {@link #CONTAINER_TS} when the camera did not say. */
  public String containerOrDefault() {
    return container == null ? CONTAINER_TS : container;
  }
  public static final long MAX_DURATION_MS = SegmentDuration.MAX_MS;
  public static final long MAX_BYTES = 512L * 1024 * 1024;
  /** 2000-01-01T00:00:00Z: a camera clock before this was never set. */
  public static final long MIN_EPOCH_MS = 946_684_800_000L;
  /** 2100-01-01T00:00:00Z: the absolute cap; ingest also bounds {@code start} by its allowed future skew. */
  public static final long MAX_EPOCH_MS = 4_102_444_800_000L;
  /** Largest width or height (16K); 0 means unknown. */
  public static final int MAX_DIMENSION = 16_384;
  /** A codecs string of RFC 6381 §3.2 as in HLS CODECS: comma-separated {@code fourcc(.element)*}. */
  public static final int MAX_CODEC_LENGTH = 64;
  private static final Pattern CODEC = Pattern.compile(
      "[A-Za-z0-9]{1,8}(\\.[A-Za-z0-9_-]{1,16}){0,6}(,[A-Za-z0-9]{1,8}(\\.[A-Za-z0-9_-]{1,16}){0,6}){0,3}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** Contract checks that need no server state; the empty list means valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (v != VERSION) p.add("unsupported schema version v=" + v);
    String keyProblem = ObjectKeys.keyProblem(key);
    if (keyProblem != null) p.add(keyProblem);
    if (!isSaneTime(start)) p.add("start must be epoch ms in [" + MIN_EPOCH_MS + ", " + MAX_EPOCH_MS + ")");
    if (!isSaneTime(deviceTime)) p.add("deviceTime must be epoch ms in [" + MIN_EPOCH_MS + ", " + MAX_EPOCH_MS + ")");
    if (durationMs <= 0 || durationMs > MAX_DURATION_MS) p.add("durationMs must be in (0, " + MAX_DURATION_MS + "]");
    if (bytes <= 0 || bytes > MAX_BYTES) p.add("bytes must be in (0, " + MAX_BYTES + "]");
    if (sha256 != null && !SHA256.matcher(sha256).matches()) p.add("sha256 must be 64 lower-case hex digits");
    if (seq < 0) p.add("seq must be >= 0");
    if (width < 0 || height < 0 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
      p.add("width/height must be in [0, " + MAX_DIMENSION + "]");
    }
    if (codec != null && (codec.length() > MAX_CODEC_LENGTH || !CODEC.matcher(codec).matches())) {
      p.add("codec must be an RFC 6381 codecs string of at most " + MAX_CODEC_LENGTH + " characters");
    }
    if (container != null && !CONTAINER_TS.equals(container) && !CONTAINER_FMP4.equals(container)) {
      p.add("container must be \"" + CONTAINER_TS + "\" or \"" + CONTAINER_FMP4 + "\"");
    }
    if (CONTAINER_FMP4.equals(container)) {
      if (init == null) {
        p.add("init (the initialization segment's key) is required when container is fmp4");
      } else {
        String initProblem = ObjectKeys.keyProblem(init);
        if (initProblem != null) p.add("init: " + initProblem);
        else if (init.equals(key)) p.add("init must differ from key");
      }
    } else if (init != null) {
      p.add("init is only allowed when container is fmp4");
    }
    if (frameRate != null && (frameRate.isNaN() || frameRate < 0 || frameRate > MAX_FRAME_RATE)) {
      p.add("frameRate must be in [0, " + (long) MAX_FRAME_RATE + "]");
    }
    if (targetSeconds != null && !SegmentDuration.isValidTargetSeconds(targetSeconds)) {
      p.add("targetSeconds must be whole seconds in [" + SegmentDuration.MIN_SECONDS + ", "
          + SegmentDuration.MAX_SECONDS + "]");
    }
    if (keyFrame != null) keyFrameProblem(p);
    if (thumbnail != null) {
      String thumbnailProblem = ObjectKeys.keyProblem(thumbnail);
      if (thumbnailProblem != null) p.add("thumbnail: " + thumbnailProblem);
      else if (thumbnail.equals(key) || thumbnail.equals(init)) p.add("thumbnail must differ from key and init");
    }
    return p;
  }

  /** The range must lie inside the segment's {@code bytes}: an I-frame playlist hands it to players as it is. */
  private void keyFrameProblem(List<String> p) {
    Long offset = keyFrame.offset();
    Long length = keyFrame.length();
    if (offset == null || length == null) {
      p.add("keyFrame needs offset and length");
    } else if (offset < 0) {
      p.add("keyFrame.offset must be >= 0");
    } else if (length <= 0) {
      p.add("keyFrame.length must be > 0");
    } else if (offset > bytes || length > bytes - offset) {
      p.add("keyFrame (offset + length) must lie within the segment's " + bytes + " bytes");
    }
  }

  private static boolean isSaneTime(long epochMs) {
    return epochMs >= MIN_EPOCH_MS && epochMs < MAX_EPOCH_MS;
  }

  /** The UTF-8 length of a string, for limits stated in bytes. */
  static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
