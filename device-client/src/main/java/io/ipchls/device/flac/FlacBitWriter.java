package io.ipchls.device.flac;

import java.util.Arrays;

/** Writes bits most significant first into a growable byte array, as every FLAC field is stored (RFC 9639 §5). */
final class FlacBitWriter {
  private byte[] buf;
  private int bytes;
  private long acc;
  private int accBits;

  FlacBitWriter(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  /** The low {@code n} bits of {@code value}, n ≤ 32. */
  void bits(long value, int n) {
    if (n == 0) return;
    acc = (acc << n) | (value & ((1L << n) - 1));
    accBits += n;
    while (accBits >= 8) {
      accBits -= 8;
      put((byte) (acc >>> accBits));
    }
  }

  /** {@code zeros} zero bits then a one: the unary quotient of a Rice code (§9.2.7.3). */
  void unary(int zeros) {
    for (; zeros >= 32; zeros -= 32) bits(0, 32);
    bits(1, zeros + 1);
  }

  /** Zero bits up to the next byte boundary. */
  void alignToByte() {
    if (accBits > 0) bits(0, 8 - accBits);
  }

  /** Bytes written so far; only whole bytes (call {@link #alignToByte()} first). */
  int byteCount() {
    return bytes;
  }

  byte[] buffer() {
    return buf;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, bytes);
  }

  private void put(byte b) {
    if (bytes == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
    buf[bytes++] = b;
  }
}
