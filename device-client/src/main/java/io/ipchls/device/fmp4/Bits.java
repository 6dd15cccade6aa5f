package io.ipchls.device.fmp4;

/**
 * Reads the RBSP of an H.264 or H.265 parameter set bit by bit: u(n) and Exp-Golomb ue(v), ITU-T H.264 §7.2/§9.1 and
 * ITU-T H.265 §7.2/§9.2, after removing emulation_prevention_three_bytes (H.264 §7.4.1, H.265 §7.4.2).
 */
final class Bits {
  private final byte[] data;
  private int bit;

  /** The RBSP of {@code nal}, positioned after its NAL unit header of {@code headerBytes} (1 for H.264, 2 for H.265). */
  Bits(byte[] nal, int headerBytes) {
    this.data = unescape(nal);
    this.bit = headerBytes * 8;
  }

  static byte[] unescape(byte[] nal) {
    byte[] out = new byte[nal.length];
    int n = 0;
    int zeros = 0;
    for (byte b : nal) {
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      zeros = b == 0 ? zeros + 1 : 0;
      out[n++] = b;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  boolean flag() {
    return u(1) == 1;
  }

  /** u(n), n ≤ 64. */
  long bits(int n) {
    long v = 0;
    for (int i = 0; i < n; i++) v = (v << 1) | readBit();
    return v;
  }

  /** u(n), n ≤ 31. */
  int u(int n) {
    return (int) bits(n);
  }

  void skip(int n) {
    bits(n);
  }

  /** ue(v): leadingZeroBits zeros, a one, then leadingZeroBits bits; value 2^leadingZeroBits − 1 + those bits. */
  int ue() {
    int leadingZeros = 0;
    while (readBit() == 0) {
      if (++leadingZeros > 31) throw new IllegalArgumentException("Exp-Golomb code longer than 32 bits");
    }
    long value = (1L << leadingZeros) - 1 + bits(leadingZeros);
    if (value > Integer.MAX_VALUE) throw new IllegalArgumentException("ue(v) out of range");
    return (int) value;
  }

  private int readBit() {
    int byteIndex = bit >>> 3;
    if (byteIndex >= data.length) throw new IllegalArgumentException("parameter set truncated");
    int v = (data[byteIndex] >> (7 - (bit & 7))) & 1;
    bit++;
    return v;
  }
}
