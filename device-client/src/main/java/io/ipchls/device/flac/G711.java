package io.ipchls.device.flac;

/**
 * Encodes 16-bit linear PCM to ITU-T G.711 (the {@code linear2alaw}/{@code linear2ulaw} compression of ITU-T G.191;
 * for the simulator and tests: cameras bring their own G.711) and decodes it back, per the expansion tables of
 * G.711 Tables 1a/1b and 2a/2b as computed by the reference routines of ITU-T G.191 (the {@code alaw2linear} and
 * {@code ulaw2linear} every decoder, ffmpeg's included, implements): values are the tables' 13-/14-bit levels scaled
 * to 16 bits.
 */
public final class G711 {
  /** The two companding laws of G.711. */
  public enum Law { A_LAW, MU_LAW }

  private static final short[] A_LAW = new short[256];
  private static final short[] MU_LAW = new short[256];

  static {
    for (int i = 0; i < 256; i++) {
      A_LAW[i] = (short) alaw(i);
      MU_LAW[i] = (short) ulaw(i);
    }
  }

  private G711() {}

  /** Decodes {@code g711} (one byte per sample) into new 16-bit samples. */
  public static short[] decode(Law law, byte[] g711) {
    short[] table = law == Law.A_LAW ? A_LAW : MU_LAW;
    short[] pcm = new short[g711.length];
    for (int i = 0; i < g711.length; i++) pcm[i] = table[g711[i] & 0xFF];
    return pcm;
  }

  /** Segment end points of A-law (13-bit magnitudes) and µ-law (biased 14-bit magnitudes), ITU-T G.191 g711.c. */
  private static final int[] A_SEGMENT_END = {0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};
  private static final int[] MU_SEGMENT_END = {0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF};
  /** µ-law's bias (0x84 in 16-bit units) and clip level, in 14-bit units. */
  private static final int MU_BIAS = 0x84 >> 2;
  private static final int MU_CLIP = 8159;

  /** Encodes 16-bit samples into new G.711 bytes, one per sample. */
  public static byte[] encode(Law law, short[] pcm) {
    byte[] out = new byte[pcm.length];
    for (int i = 0; i < pcm.length; i++) out[i] = (byte) (law == Law.A_LAW ? linearToAlaw(pcm[i]) : linearToUlaw(pcm[i]));
    return out;
  }

  /** G.711 §2 compression: 13-bit magnitude (one's complement for negatives), segment, 4 step bits, XOR 0x55/0xD5. */
  private static int linearToAlaw(int sample) {
    int value = sample >> 3;
    int mask = 0xD5;
    if (value < 0) {
      mask = 0x55;
      value = -value - 1;
    }
    int segment = segment(value, A_SEGMENT_END);
    if (segment >= 8) return 0x7F ^ mask;
    int code = segment << 4 | (segment < 2 ? (value >> 1) & 0x0F : (value >> segment) & 0x0F);
    return code ^ mask;
  }

  /** G.711 §3 compression: biased 14-bit magnitude, segment, 4 step bits, all bits inverted (sign 0 = negative). */
  private static int linearToUlaw(int sample) {
    int value = sample >> 2;
    int mask = 0xFF;
    if (value < 0) {
      value = -value;
      mask = 0x7F;
    }
    value = Math.min(value, MU_CLIP) + MU_BIAS;
    int segment = segment(value, MU_SEGMENT_END);
    if (segment >= 8) return 0x7F ^ mask;
    return ((segment << 4) | ((value >> (segment + 1)) & 0x0F)) ^ mask;
  }

  private static int segment(int value, int[] ends) {
    for (int i = 0; i < ends.length; i++) {
      if (value <= ends[i]) return i;
    }
    return ends.length;
  }

  /** A-law: even bits inverted (XOR 0x55), sign bit 1 = positive, 3-bit segment, 4-bit step, G.711 §2 Table 1. */
  private static int alaw(int code) {
    int a = code ^ 0x55;
    int t = (a & 0x0F) << 4;
    int segment = (a & 0x70) >>> 4;
    if (segment == 0) {
      t += 8;
    } else {
      t = (t + 0x108) << (segment - 1);
    }
    return (a & 0x80) != 0 ? t : -t;
  }

  /** µ-law: all bits inverted, bias 0x84 (33 in 14-bit units), 3-bit segment, 4-bit step, G.711 §3 Table 2. */
  private static int ulaw(int code) {
    int u = ~code & 0xFF;
    int t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >>> 4);
    return (u & 0x80) != 0 ? 0x84 - t : t - 0x84;
  }
}
