package io.ipchls.device.flac;

/**
 * Pure builders of FLAC (RFC 9639) mono 16-bit frames and the STREAMINFO block. Each frame's one subframe is the
 * smallest of CONSTANT, VERBATIM and FIXED predictors of order 0..2 (§9.2.5) with a partition-order-0 Rice-coded
 * residual (§9.2.7) whose parameter is chosen to minimise the bit count.
 */
final class FlacFrames {
  static final int BITS_PER_SAMPLE = 16;
  /** Largest Rice parameter with the 4-bit parameter coding method (15 is the escape code), §9.2.7.1. */
  private static final int MAX_RICE_PARAMETER = 14;
  private static final int MAX_FIXED_ORDER = 2;
  /** Sample rates with a code of their own in the frame header, §9.1.2 (index = code). */
  private static final int[] RATE_CODES = {0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000,
      96000};

  private FlacFrames() {}

  /**
   * METADATA_BLOCK_STREAMINFO, §8.2: minimum and maximum block size (equal: fixed block size; the last block may be
   * shorter), frame sizes, total samples and MD5 unknown (0; a live stream knows neither in advance), the rate,
   * 1 channel, 16 bits per sample.
   */
  static byte[] streamInfo(int sampleRate, int blockSize) {
    FlacBitWriter w = new FlacBitWriter(34);
    w.bits(blockSize, 16);
    w.bits(blockSize, 16);
    w.bits(0, 24); // minimum frame size: unknown
    w.bits(0, 24); // maximum frame size: unknown
    w.bits(sampleRate, 20);
    w.bits(0, 3); // channels - 1
    w.bits(BITS_PER_SAMPLE - 1, 5);
    w.bits(0, 4); // total samples (36 bits): unknown
    w.bits(0, 32);
    for (int i = 0; i < 4; i++) w.bits(0, 32); // MD5 of the unencoded audio: not computed
    return w.toByteArray();
  }

  /** One frame of {@code n} samples: header (§9.1) with CRC-8, one subframe (§9.2), padding, CRC-16 (§9.3). */
  static byte[] frame(short[] pcm, int off, int n, long frameNumber, int sampleRate) {
    FlacBitWriter w = new FlacBitWriter(64 + 2 * n);
    header(w, n, frameNumber, sampleRate);
    subframe(w, pcm, off, n);
    w.alignToByte();
    int crc = FlacCrc.crc16(w.buffer(), w.byteCount());
    w.bits(crc, 16);
    return w.toByteArray();
  }

  /** Frame header, §9.1: sync code, fixed-blocksize strategy, block size, rate, mono, 16 bits, frame number. */
  private static void header(FlacBitWriter w, int n, long frameNumber, int sampleRate) {
    int rateCode = rateCode(sampleRate);
    int blockCode = n <= 256 ? 0b0110 : 0b0111; // block size - 1 in 8 or 16 bits at the header's end, §9.1.1
    w.bits(0b11111111111110, 14); // sync code
    w.bits(0, 1); // reserved
    w.bits(0, 1); // blocking strategy: fixed
    w.bits(blockCode, 4);
    w.bits(rateCode, 4);
    w.bits(0b0000, 4); // channels: mono
    w.bits(0b100, 3); // 16 bits per sample, §9.1.4
    w.bits(0, 1); // reserved
    codedNumber(w, frameNumber & 0x7FFF_FFFFL);
    w.bits(n - 1, blockCode == 0b0110 ? 8 : 16);
    if (rateCode == 0b1100) w.bits(sampleRate / 1000, 8);
    if (rateCode == 0b1101) w.bits(sampleRate, 16);
    if (rateCode == 0b1110) w.bits(sampleRate / 10, 16);
    w.alignToByte();
    w.bits(FlacCrc.crc8(w.buffer(), w.byteCount()), 8);
  }

  /** The frame number in the UTF-8-like coding of §9.1.5 (up to 31 bits: six bytes). */
  private static void codedNumber(FlacBitWriter w, long v) {
    if (v < 0x80) {
      w.bits(v, 8);
      return;
    }
    int extra = v < 0x800 ? 1 : v < 0x10000 ? 2 : v < 0x200000 ? 3 : v < 0x4000000 ? 4 : 5;
    int leadBits = 6 - extra; // payload bits in the first byte
    int lead = (0xFF00 >>> (extra + 1)) & 0xFF; // extra + 1 leading ones, then a zero
    w.bits(lead | (v >>> (6 * extra)), 8);
    for (int i = extra - 1; i >= 0; i--) w.bits(0x80 | ((v >>> (6 * i)) & 0x3F), 8);
    assert (v >>> (6 * extra)) < (1L << leadBits);
  }

  /** Sample rate code, §9.1.2: a fixed code, or a value at the header's end (kHz, Hz, or tens of Hz), or 0. */
  private static int rateCode(int sampleRate) {
    for (int code = 1; code < RATE_CODES.length; code++) {
      if (RATE_CODES[code] == sampleRate) return code;
    }
    if (sampleRate % 1000 == 0 && sampleRate / 1000 <= 255) return 0b1100;
    if (sampleRate <= 0xFFFF) return 0b1101;
    if (sampleRate % 10 == 0 && sampleRate / 10 <= 0xFFFF) return 0b1110;
    return 0; // from STREAMINFO
  }

  /** The smallest subframe, §9.2: CONSTANT, FIXED order 0..2, or VERBATIM; no wasted bits. */
  private static void subframe(FlacBitWriter w, short[] pcm, int off, int n) {
    boolean constant = true;
    for (int i = 1; i < n && constant; i++) constant = pcm[off + i] == pcm[off];
    if (constant) {
      w.bits(0b00000000, 8); // zero bit, type CONSTANT (000000), no wasted bits
      w.bits(pcm[off], BITS_PER_SAMPLE);
      return;
    }
    int bestOrder = -1;
    int bestParameter = 0;
    long bestBits = (long) n * BITS_PER_SAMPLE; // VERBATIM
    int[] residual = new int[n];
    for (int order = 0; order <= Math.min(MAX_FIXED_ORDER, n - 1); order++) {
      fixedResidual(pcm, off, n, order, residual);
      long[] cost = riceCost(residual, order, n);
      long bits = order * (long) BITS_PER_SAMPLE + 6 + 4 + cost[0];
      if (bits < bestBits) {
        bestBits = bits;
        bestOrder = order;
        bestParameter = (int) cost[1];
      }
    }
    if (bestOrder < 0) {
      w.bits(0b00000010, 8); // type VERBATIM (000001)
      for (int i = 0; i < n; i++) w.bits(pcm[off + i], BITS_PER_SAMPLE);
      return;
    }
    w.bits(0b00010000 | (bestOrder << 1), 8); // type FIXED (001xxx) with the predictor order
    for (int i = 0; i < bestOrder; i++) w.bits(pcm[off + i], BITS_PER_SAMPLE); // warm-up samples
    fixedResidual(pcm, off, n, bestOrder, residual);
    w.bits(0b00, 2); // residual coding method: 4-bit Rice parameters
    w.bits(0, 4); // partition order 0: one partition of n - order residuals
    w.bits(bestParameter, 4);
    for (int i = bestOrder; i < n; i++) {
      int u = (residual[i] << 1) ^ (residual[i] >> 31); // zigzag: folds signed into unsigned, §9.2.7.3
      w.unary(u >>> bestParameter);
      w.bits(u, bestParameter);
    }
  }

  /** Residual of the fixed predictor of {@code order}, §9.2.5: orders 0..2 predict 0, s[i-1], 2s[i-1] - s[i-2]. */
  private static void fixedResidual(short[] pcm, int off, int n, int order, int[] out) {
    for (int i = order; i < n; i++) {
      int s = pcm[off + i];
      out[i] = switch (order) {
        case 0 -> s;
        case 1 -> s - pcm[off + i - 1];
        default -> s - 2 * pcm[off + i - 1] + pcm[off + i - 2];
      };
    }
  }

  /** Bits of the Rice-coded residual for the best parameter: {bits, parameter}. */
  private static long[] riceCost(int[] residual, int order, int n) {
    long best = Long.MAX_VALUE;
    int bestK = 0;
    for (int k = 0; k <= MAX_RICE_PARAMETER; k++) {
      long bits = (long) (n - order) * (k + 1);
      for (int i = order; i < n; i++) bits += ((residual[i] << 1) ^ (residual[i] >> 31)) >>> k;
      if (bits < best) {
        best = bits;
        bestK = k;
      }
    }
    return new long[] {best, bestK};
  }
}
