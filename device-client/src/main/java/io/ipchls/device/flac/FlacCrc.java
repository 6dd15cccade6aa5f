package io.ipchls.device.flac;

/** The two checksums of a FLAC frame, RFC 9639 §9.1.8 and §9.3: CRC-8 of the header, CRC-16 of the frame. */
final class FlacCrc {
  private static final int[] CRC8 = new int[256];
  private static final int[] CRC16 = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c8 = i;
      int c16 = i << 8;
      for (int b = 0; b < 8; b++) {
        c8 = (c8 & 0x80) != 0 ? (c8 << 1) ^ 0x07 : c8 << 1; // x^8 + x^2 + x + 1
        c16 = (c16 & 0x8000) != 0 ? (c16 << 1) ^ 0x8005 : c16 << 1; // x^16 + x^15 + x^2 + 1
      }
      CRC8[i] = c8 & 0xFF;
      CRC16[i] = c16 & 0xFFFF;
    }
  }

  private FlacCrc() {}

  /** CRC-8, polynomial 0x07, initial value 0, of {@code b[0..n)}. */
  static int crc8(byte[] b, int n) {
    int crc = 0;
    for (int i = 0; i < n; i++) crc = CRC8[(crc ^ b[i]) & 0xFF];
    return crc;
  }

  /** CRC-16, polynomial 0x8005, initial value 0, of {@code b[0..n)}. */
  static int crc16(byte[] b, int n) {
    int crc = 0;
    for (int i = 0; i < n; i++) crc = ((crc << 8) ^ CRC16[((crc >>> 8) ^ b[i]) & 0xFF]) & 0xFFFF;
    return crc;
  }
}
