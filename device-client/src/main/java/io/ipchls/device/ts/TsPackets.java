package io.ipchls.device.ts;

/** Pure builders of 188-byte transport packets, ISO/IEC 13818-1 §2.4.3.2 (header) and §2.4.3.4 (adaptation field). */
public final class TsPackets {
  public static final int PACKET_SIZE = 188;
  public static final int SYNC_BYTE = 0x47;
  public static final int HEADER_SIZE = 4;
  /** adaptation_field_control, §2.4.3.3 Table 2-5. */
  static final int AFC_PAYLOAD_ONLY = 0b01;
  static final int AFC_ADAPTATION_AND_PAYLOAD = 0b11;
  /** Flag bits of the adaptation field's second byte, §2.4.3.4. */
  static final int RANDOM_ACCESS_INDICATOR = 0x40;
  static final int PCR_FLAG = 0x10;
  /** PCR size in the adaptation field: program_clock_reference_base (33), reserved (6), extension (9). */
  static final int PCR_SIZE = 6;

  private TsPackets() {}

  /** Writes the 4-byte packet header at {@code p[0..3]}. */
  static void header(byte[] p, int pid, boolean payloadUnitStart, int adaptationFieldControl, int continuityCounter) {
    p[0] = (byte) SYNC_BYTE;
    // transport_error_indicator 0, payload_unit_start_indicator, transport_priority 0, PID (13)
    p[1] = (byte) ((payloadUnitStart ? 0x40 : 0) | ((pid >>> 8) & 0x1F));
    p[2] = (byte) pid;
    // transport_scrambling_control 00, adaptation_field_control (2), continuity_counter (4)
    p[3] = (byte) ((adaptationFieldControl << 4) | (continuityCounter & 0x0F));
  }

  /**
   * Writes an adaptation field of exactly {@code totalSize} bytes (length byte included) at {@code p[4..]}: flags,
   * optional PCR, then 0xFF stuffing bytes (§2.4.3.5). {@code totalSize} 1 is the one-byte form
   * (adaptation_field_length 0) used to stuff a single byte.
   *
   * @param pcr27MHz the PCR in 27 MHz units, or a negative value for none
   */
  static void adaptationField(byte[] p, int totalSize, boolean randomAccess, long pcr27MHz) {
    int off = HEADER_SIZE;
    p[off] = (byte) (totalSize - 1); // adaptation_field_length
    if (totalSize == 1) return;
    p[off + 1] = (byte) ((randomAccess ? RANDOM_ACCESS_INDICATOR : 0) | (pcr27MHz >= 0 ? PCR_FLAG : 0));
    int pos = off + 2;
    if (pcr27MHz >= 0) {
      writePcr(p, pos, pcr27MHz);
      pos += PCR_SIZE;
    }
    for (; pos < off + totalSize; pos++) p[pos] = (byte) 0xFF;
  }

  /** PCR = base × 300 + extension, base 33 bits of 90 kHz, extension 0..299 (§2.4.2.2, (2-1)..(2-3)). */
  static void writePcr(byte[] p, int off, long pcr27MHz) {
    long base = (pcr27MHz / 300) & Pes.TIMESTAMP_MASK;
    int ext = (int) (pcr27MHz % 300);
    p[off] = (byte) (base >>> 25);
    p[off + 1] = (byte) (base >>> 17);
    p[off + 2] = (byte) (base >>> 9);
    p[off + 3] = (byte) (base >>> 1);
    p[off + 4] = (byte) (((base & 1) << 7) | 0x7E | (ext >>> 8));
    p[off + 5] = (byte) ext;
  }

  /** Minimum adaptation field size (length byte included) for the given content; 0 when none is needed. */
  static int adaptationFieldSize(boolean randomAccess, boolean pcr) {
    if (!randomAccess && !pcr) return 0;
    return 2 + (pcr ? PCR_SIZE : 0);
  }
}
