package io.ipchls.device;

import java.util.Objects;

/**
 * One item of a {@link FramePack}: Annex-B bytes (one or more NAL units with start codes) that may wrap around the
 * end of the encoder's ring buffer, hence two parts: {@code part1[off1, off1+len1)} followed by
 * {@code part2[off2, off2+len2)}. The second part is empty when the item did not wrap. The bytes are copied when the
 * pack is put, so the encoder may reuse its buffer right after.
 */
public record FrameItem(byte[] part1, int off1, int len1, byte[] part2, int off2, int len2) {
  private static final byte[] EMPTY = new byte[0];

  /**
   * @throws IllegalArgumentException if a part lies outside its array or the item is empty
   */
  public FrameItem {
    part1 = part1 == null ? EMPTY : part1;
    part2 = part2 == null ? EMPTY : part2;
    Objects.checkFromIndexSize(off1, len1, part1.length);
    Objects.checkFromIndexSize(off2, len2, part2.length);
    if (len1 + len2 == 0) throw new IllegalArgumentException("frame item has zero length (both parts empty)");
  }

  /** An item in one piece. */
  public static FrameItem of(byte[] annexB) {
    return new FrameItem(annexB, /* off1= */ 0, annexB.length, /* part2= */ null, /* off2= */ 0, /* len2= */ 0);
  }

  /** An item that starts at {@code offset} in a ring of {@code ring.length} bytes and wraps to its start if needed. */
  public static FrameItem inRing(byte[] ring, int offset, int length) {
    if (length <= 0 || length > ring.length) throw new IllegalArgumentException("item length out of range");
    int first = Math.min(length, ring.length - offset);
    return new FrameItem(ring, offset, first, ring, 0, length - first);
  }

  /** Both parts, joined. */
  byte[] bytes() {
    byte[] b = new byte[len1 + len2];
    System.arraycopy(part1, off1, b, 0, len1);
    System.arraycopy(part2, off2, b, len1, len2);
    return b;
  }
}
