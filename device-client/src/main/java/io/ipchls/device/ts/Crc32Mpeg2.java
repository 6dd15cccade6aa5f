package io.ipchls.device.ts;

/**
 * The CRC_32 of PSI sections, ISO/IEC 13818-1 Annex A: polynomial 0x04C11DB7, initial value 0xFFFFFFFF, no bit
 * reflection, no final XOR. A section whose CRC_32 field is included checks to zero.
 */
public final class Crc32Mpeg2 {
  private static final int POLYNOMIAL = 0x04C11DB7;
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i << 24;
      for (int k = 0; k < 8; k++) c = (c & 0x80000000) != 0 ? (c << 1) ^ POLYNOMIAL : c << 1;
      TABLE[i] = c;
    }
  }

  private Crc32Mpeg2() {}

  public static int compute(byte[] data, int offset, int length) {
    int crc = 0xFFFFFFFF;
    for (int i = offset; i < offset + length; i++) {
      crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ data[i]) & 0xFF];
    }
    return crc;
  }

  public static int compute(byte[] data) {
    return compute(data, 0, data.length);
  }
}
