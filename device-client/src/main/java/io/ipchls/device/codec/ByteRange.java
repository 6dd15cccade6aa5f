package io.ipchls.device.codec;

/**
 * A run of bytes inside a segment: where its first key frame lies, as an HLS I-frame playlist names it with
 * {@code EXT-X-BYTERANGE:<length>@<offset>} (RFC 8216 §4.3.2.2). What the range holds depends on the container: see
 * {@code TsMuxer#firstKeyFrame()} and {@code Fmp4Muxer#lastKeyFrame()}.
 *
 * @param offset the first byte, from the segment's start
 * @param length how many bytes
 */
public record ByteRange(long offset, long length) {
  public ByteRange {
    if (offset < 0) throw new IllegalArgumentException("offset must be >= 0");
    if (length <= 0) throw new IllegalArgumentException("length must be > 0");
  }

  /** The byte after the range. */
  public long end() {
    return offset + length;
  }
}
