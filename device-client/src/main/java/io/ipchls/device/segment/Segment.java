package io.ipchls.device.segment;

import io.ipchls.device.codec.ByteRange;
import io.ipchls.device.codec.Container;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One finished segment: an MPEG-TS segment, or an fMP4 media segment with the init segment it needs.
 *
 * @param bytes the transport stream or the fMP4 media segment
 * @param startEpochMs wall-clock time of the first frame, UTC epoch milliseconds
 * @param durationMs duration from timestamps (next segment's first pts − this one's first pts)
 * @param seq segment number, from 0, counted by the segmenter
 * @param width picture width from the SPS (0 if it could not be parsed)
 * @param height picture height from the SPS (0 if it could not be parsed)
 * @param codec RFC 6381 codecs string of the tracks, video first, e.g. {@code avc1.42c01e},
 *     {@code hvc1.1.6.L93.B0,mp4a.40.2}; the video part is {@code h264} or {@code hvc1} if the SPS could not be parsed
 * @param sha256 lower-case hex SHA-256 of {@code bytes}
 * @param clockJump true for the first segment dated after the wall clock was stepped
 * @param frameRate nominal frames per second from the SPS's timing information, or 0 when unknown
 * @param container the segment's format
 * @param init for {@link Container#FMP4}: the init segment the media segment is decoded with; null for TS
 * @param discontinuity true when frames before it are missing ({@link Segmenter#markDiscontinuity()})
 * @param keyFrame where its first key frame lies in {@code bytes} (see {@link ByteRange}), null when unknown
 * @param thumbnail a small JPEG of its picture ({@link Segmenter#thumbnail(byte[])}), or null
 */
public record Segment(byte[] bytes, long startEpochMs, long durationMs, long seq, int width, int height, String codec,
    String sha256, boolean clockJump, double frameRate, Container container, InitSegment init,
    boolean discontinuity, ByteRange keyFrame, byte[] thumbnail) {
  public Segment {
    if (container == null) container = Container.TS;
    if ((container == Container.FMP4) != (init != null)) {
      throw new IllegalArgumentException("an fMP4 segment needs its init segment, and only an fMP4 segment has one");
    }
    if (keyFrame != null && keyFrame.end() > bytes.length) {
      throw new IllegalArgumentException("the key frame's range ends past the segment's bytes");
    }
  }

  /** A segment without a known key-frame range or thumbnail. */
  public Segment(byte[] bytes, long startEpochMs, long durationMs, long seq, int width, int height, String codec,
      String sha256, boolean clockJump, double frameRate, Container container, InitSegment init,
      boolean discontinuity) {
    this(bytes, startEpochMs, durationMs, seq, width, height, codec, sha256, clockJump, frameRate, container, init,
        discontinuity, null, null);
  }

  /** A segment that continues the previous one. */
  public Segment(byte[] bytes, long startEpochMs, long durationMs, long seq, int width, int height, String codec,
      String sha256, boolean clockJump, double frameRate, Container container, InitSegment init) {
    this(bytes, startEpochMs, durationMs, seq, width, height, codec, sha256, clockJump, frameRate, container, init,
        false);
  }

  /** An MPEG-TS segment. */
  public Segment(byte[] bytes, long startEpochMs, long durationMs, long seq, int width, int height, String codec,
      String sha256, boolean clockJump, double frameRate) {
    this(bytes, startEpochMs, durationMs, seq, width, height, codec, sha256, clockJump, frameRate, Container.TS, null);
  }

  /** A segment whose frame rate is unknown. */
  public Segment(byte[] bytes, long startEpochMs, long durationMs, long seq, int width, int height, String codec,
      String sha256, boolean clockJump) {
    this(bytes, startEpochMs, durationMs, seq, width, height, codec, sha256, clockJump, 0);
  }

  /** Largest thumbnail accepted: a 320x180 JPEG at usual quality is 5-15 KB; this leaves room, not a second video. */
  public static final int MAX_THUMBNAIL_BYTES = 64 * 1024;

  /** Refuses what is not a small JPEG: it must start with the SOI marker and a marker (ITU-T T.81 §B.2.1). */
  public static void requireThumbnail(byte[] jpeg) {
    if (jpeg == null || jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8
        || (jpeg[2] & 0xFF) != 0xFF) {
      throw new IllegalArgumentException("a thumbnail must be a JPEG (starting with the SOI marker FF D8 FF)");
    }
    if (jpeg.length > MAX_THUMBNAIL_BYTES) {
      throw new IllegalArgumentException("a thumbnail must be at most " + MAX_THUMBNAIL_BYTES + " bytes, got "
          + jpeg.length);
    }
  }

  /** The same segment marked as a discontinuity (frames before it are missing). */
  public Segment asDiscontinuity() {
    return new Segment(bytes, startEpochMs, durationMs, seq, width, height, codec, sha256, clockJump, frameRate,
        container, init, /* discontinuity= */ true, keyFrame, thumbnail);
  }

  public int size() {
    return bytes.length;
  }

  /**
   * Whether its timestamps start a new run rather than continue the previous segment's: the first segment of a
   * {@link Segmenter}, whose timestamps begin at {@link Segmenter#TS_ORIGIN_90K} and whose {@code seq} begins at 0.
   * A segmenter lives as long as its camera (it refuses timestamps that go back, so an encoder reset means a new
   * camera), hence this marks every process, device or encoder restart. A spooled segment keeps its seq, so it stays
   * marked when a later run uploads it.
   */
  public boolean startsRun() {
    return seq == 0;
  }

  /** Lower-case hex SHA-256, the form of {@link #sha256()}. */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  @Override
  public String toString() {
    return "Segment[seq=" + seq + ", start=" + startEpochMs + ", durationMs=" + durationMs + ", bytes="
        + bytes.length + ", " + container.wireName() + ", " + width + "x" + height + (clockJump ? ", clockJump" : "")
        + (thumbnail != null ? ", thumbnail " + thumbnail.length + " bytes" : "") + "]";
  }
}
