package io.ipchls.device.fmp4;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable big-endian byte sink for box payloads: ISO/IEC 14496-12 §4.2 stores every integer field most significant
 * byte first. Boxes are written by reserving the 8-byte header, writing the payload, then filling the size in.
 */
final class BoxBuffer {
  private byte[] buf;
  private int len;

  BoxBuffer(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  BoxBuffer u8(int v) {
    ensure(1);
    buf[len++] = (byte) v;
    return this;
  }

  BoxBuffer u16(int v) {
    ensure(2);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  BoxBuffer u24(int v) {
    ensure(3);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  BoxBuffer u32(long v) {
    ensure(4);
    putInt(buf, len, (int) v);
    len += 4;
    return this;
  }

  BoxBuffer u64(long v) {
    return u32(v >>> 32).u32(v);
  }

  /** A four-character code (box type, brand, handler type): four ASCII bytes. */
  BoxBuffer fourCc(String code) {
    byte[] b = code.getBytes(StandardCharsets.US_ASCII);
    if (b.length != 4) throw new IllegalArgumentException("not a four-character code: " + code);
    return bytes(b);
  }

  BoxBuffer bytes(byte[] b) {
    return bytes(b, 0, b.length);
  }

  BoxBuffer bytes(byte[] b, int off, int n) {
    ensure(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
    return this;
  }

  BoxBuffer zeros(int n) {
    ensure(n);
    Arrays.fill(buf, len, len + n, (byte) 0);
    len += n;
    return this;
  }

  /** Starts a box (§4.2 Box: size, type); returns its start for {@link #end(int)}. */
  int begin(String type) {
    int start = len;
    u32(0).fourCc(type);
    return start;
  }

  /** Starts a FullBox (§4.2: version, 24-bit flags after the header); returns its start for {@link #end(int)}. */
  int beginFull(String type, int version, int flags) {
    int start = begin(type);
    u8(version).u24(flags);
    return start;
  }

  /** Ends the box begun at {@code start}: writes its 32-bit size. */
  void end(int start) {
    putInt(buf, start, len - start);
  }

  int length() {
    return len;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  private void ensure(int n) {
    if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
  }
}
