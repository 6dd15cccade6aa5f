package io.ipchls.device.flac;

/**
 * Decodes ITU-T G.711 (A-law and µ-law, 8 bits per sample) to 16-bit linear PCM, per the expansion tables of
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
