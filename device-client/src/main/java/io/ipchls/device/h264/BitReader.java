package io.ipchls.device.h264;

/**
 * Reads an RBSP bit by bit: fixed-length u(n) and Exp-Golomb ue(v)/se(v) codes, ITU-T H.264 §7.2 and §9.1.
 * Construct it with {@link #fromNal(byte[])} so emulation prevention bytes are removed first (§7.4.1). H.265 codes
 * its parameter sets with the same descriptors and the same emulation prevention (ITU-T H.265 §7.2, §7.4.2, §9.2),
 * so the {@code h265} package reads them with this class too, after its two-byte NAL header.
 */
public final class BitReader {
  private final byte[] data;
  private int bit;

  /** Reads {@code rbsp} (already unescaped) from byte {@code startByte}. */
  public BitReader(byte[] rbsp, int startByte) {
    this.data = rbsp;
    this.bit = startByte * 8;
  }

  /** RBSP of a NAL unit, positioned after the one-byte NAL header (§7.3.1). */
  static BitReader fromNal(byte[] nal) {
    return new BitReader(unescape(nal), 1);
  }

  /** Removes every emulation_prevention_three_byte: {@code 00 00 03} becomes {@code 00 00}, §7.4.1. */
  public static byte[] unescape(byte[] nal) {
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

  /** u(1). */
  public boolean flag() {
    return u(1) == 1;
  }

  /** u(n), n ≤ 32. */
  public int u(int n) {
    long v = 0;
    for (int i = 0; i < n; i++) v = (v << 1) | readBit();
    return (int) v;
  }

  /** ue(v): unsigned Exp-Golomb, §9.1: leadingZeroBits zeros, a one, then leadingZeroBits info bits. */
  public int ue() {
    int leadingZeros = 0;
    while (readBit() == 0) {
      if (++leadingZeros > 31) throw new IllegalArgumentException("Exp-Golomb code longer than 32 bits");
    }
    long value = (1L << leadingZeros) - 1 + (leadingZeros == 0 ? 0 : Integer.toUnsignedLong(u(leadingZeros)));
    if (value > Integer.MAX_VALUE) throw new IllegalArgumentException("ue(v) out of range");
    return (int) value;
  }

  /** se(v): signed Exp-Golomb, §9.1.1 Table 9-3: k maps to (−1)^(k+1) · Ceil(k ÷ 2). */
  public int se() {
    int k = ue();
    return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
  }

  /** u(n) for n ≤ 63, as an unsigned value (32-bit fields such as vui_time_scale, 44-bit flag runs). */
  public long uLong(int n) {
    long v = 0;
    for (int i = 0; i < n; i++) v = (v << 1) | readBit();
    return v;
  }

  /** Skips {@code n} bits. */
  public void skip(int n) {
    for (int i = 0; i < n; i++) readBit();
  }

  /** True while at least one more bit can be read. */
  public boolean hasMore() {
    return bit < data.length * 8;
  }

  private int readBit() {
    int byteIndex = bit >>> 3;
    if (byteIndex >= data.length) throw new IllegalArgumentException("read past the end of the RBSP");
    int v = (data[byteIndex] >> (7 - (bit & 7))) & 1;
    bit++;
    return v;
  }
}
