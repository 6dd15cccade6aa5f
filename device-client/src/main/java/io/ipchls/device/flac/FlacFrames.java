package io.ipchls.device.flac;

/**
 * Pure builders of FLAC (RFC 9639) mono 16-bit frames and the STREAMINFO block. Each frame's one subframe is the
 * smallest of CONSTANT, VERBATIM and FIXED predictors of order 0..4 (§9.2.5) with a partitioned Rice-coded residual
 * (§9.2.7) whose partition order and parameters are chosen to minimise the bit count. No LPC subframes: they would
 * save a little more at a cost in code and CPU a camera does not need to pay.
 */
final class FlacFrames {
  static final int BITS_PER_SAMPLE = 16;
  /** Largest Rice parameter with the 4-bit parameter coding method (15 is the escape code), §9.2.7.1. */
  private static final int MAX_RICE_PARAMETER = 14;
  private static final int MAX_FIXED_ORDER = 4;
  /** Largest partition order tried: 256 partitions of 4 samples in a 1024-sample block. */
  private static final int MAX_PARTITION_ORDER = 8;
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

  /**
   * The smallest subframe, §9.2: CONSTANT, FIXED order 0..4, or VERBATIM, after removing the low zero bits every
   * sample shares ("wasted bits", §9.2.2): the G.711 expansion leaves 3 (A-law) or 2 (µ-law) of them.
   */
  private static void subframe(FlacBitWriter w, short[] pcm, int off, int n) {
    int any = 0;
    boolean constant = true;
    for (int i = 0; i < n; i++) {
      any |= pcm[off + i];
      constant &= pcm[off + i] == pcm[off];
    }
    if (constant) {
      w.bits(0b00000000, 8); // zero bit, type CONSTANT (000000), no wasted bits
      w.bits(pcm[off], BITS_PER_SAMPLE);
      return;
    }
    int wasted = Integer.numberOfTrailingZeros(any);
    int bps = BITS_PER_SAMPLE - wasted;
    int[] samples = new int[n];
    for (int i = 0; i < n; i++) samples[i] = pcm[off + i] >> wasted;
    int[] residual = new int[n];
    int bestOrder = -1;
    RicePlan bestPlan = null;
    long bestBits = (long) n * bps; // VERBATIM
    for (int order = 0; order <= Math.min(MAX_FIXED_ORDER, n - 1); order++) {
      fixedResidual(samples, n, order, residual);
      RicePlan plan = RicePlan.best(residual, order, n);
      long bits = (long) order * bps + 2 + plan.bits();
      if (bits < bestBits) {
        bestBits = bits;
        bestOrder = order;
        bestPlan = plan;
      }
    }
    int type = bestOrder < 0 ? 0b000001 : 0b001000 | bestOrder; // VERBATIM or FIXED with its order
    w.bits(0, 1);
    w.bits(type, 6);
    w.bits(wasted > 0 ? 1 : 0, 1);
    if (wasted > 0) w.unary(wasted - 1); // k wasted bits coded as k - 1 in unary
    if (bestOrder < 0) {
      for (int i = 0; i < n; i++) w.bits(samples[i], bps);
      return;
    }
    for (int i = 0; i < bestOrder; i++) w.bits(samples[i], bps); // warm-up samples
    fixedResidual(samples, n, bestOrder, residual);
    w.bits(0b00, 2); // residual coding method: 4-bit Rice parameters
    bestPlan.write(w, residual, bestOrder, n);
  }

  /** Residual of the fixed predictor of {@code order}, §9.2.5 (binomial coefficients of the order's difference). */
  private static void fixedResidual(int[] s, int n, int order, int[] out) {
    for (int i = order; i < n; i++) {
      out[i] = switch (order) {
        case 0 -> s[i];
        case 1 -> s[i] - s[i - 1];
        case 2 -> s[i] - 2 * s[i - 1] + s[i - 2];
        case 3 -> s[i] - 3 * s[i - 1] + 3 * s[i - 2] - s[i - 3];
        default -> s[i] - 4 * s[i - 1] + 6 * s[i - 2] - 4 * s[i - 3] + s[i - 4];
      };
    }
  }

  /**
   * A partitioned Rice coding of a residual, §9.2.7: 2^order partitions of equal size (the first shorter by the
   * predictor order), each with the Rice parameter that makes it smallest.
   */
  private record RicePlan(int partitionOrder, int[] parameters, long bits) {
    static RicePlan best(int[] residual, int predictorOrder, int n) {
      RicePlan best = null;
      for (int p = 0; p <= MAX_PARTITION_ORDER; p++) {
        if (n % (1 << p) != 0 || (n >> p) <= predictorOrder) break;
        int partitions = 1 << p;
        int[] parameters = new int[partitions];
        long bits = 4; // partition order
        for (int j = 0; j < partitions; j++) {
          int from = j == 0 ? predictorOrder : j * (n >> p);
          int to = (j + 1) * (n >> p);
          long partitionBest = Long.MAX_VALUE;
          for (int k = 0; k <= MAX_RICE_PARAMETER; k++) {
            long cost = (long) (to - from) * (k + 1);
            for (int i = from; i < to; i++) cost += zigzag(residual[i]) >>> k;
            if (cost < partitionBest) {
              partitionBest = cost;
              parameters[j] = k;
            }
          }
          bits += 4 + partitionBest;
        }
        if (best == null || bits < best.bits) best = new RicePlan(p, parameters, bits);
      }
      return best;
    }

    void write(FlacBitWriter w, int[] residual, int predictorOrder, int n) {
      w.bits(partitionOrder, 4);
      int size = n >> partitionOrder;
      for (int j = 0; j < parameters.length; j++) {
        int k = parameters[j];
        w.bits(k, 4);
        for (int i = j == 0 ? predictorOrder : j * size; i < (j + 1) * size; i++) {
          int u = zigzag(residual[i]);
          w.unary(u >>> k);
          w.bits(u, k);
        }
      }
    }
  }

  /** Folds a signed residual into an unsigned value, 0, −1, 1, −2... → 0, 1, 2, 3..., §9.2.7.3. */
  private static int zigzag(int r) {
    return (r << 1) ^ (r >> 31);
  }
}
