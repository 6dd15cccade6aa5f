package io.ipchls.device.ts;

/** Pure builder of PES packet headers, ISO/IEC 13818-1 §2.4.3.6 (syntax) and §2.4.3.7 (semantics). */
public final class Pes {
  /** Length of the header {@link #header} writes: 6 fixed bytes, 3 flag bytes, PTS (5) and DTS (5). */
  public static final int HEADER_LENGTH = 19;
  /** Timestamps are 33-bit counts of a 90 kHz clock, §2.4.3.7. */
  public static final long TIMESTAMP_MASK = (1L << 33) - 1;

  private Pes() {}

  /**
   * A PES header carrying PTS and DTS (PTS_DTS_flags '11') with data_alignment_indicator set, for a payload of
   * {@code payloadLength} bytes. PES_packet_length is 0 ("unbounded") when it would not fit in 16 bits, which
   * §2.4.3.7 allows only for video elementary streams in transport streams.
   */
  public static byte[] header(int streamId, long pts90k, long dts90k, int payloadLength) {
    byte[] h = new byte[HEADER_LENGTH];
    h[2] = 1; // packet_start_code_prefix 0x000001
    h[3] = (byte) streamId;
    int pesPacketLength = 3 + 10 + payloadLength; // bytes after the PES_packet_length field
    if (pesPacketLength > 0xFFFF) pesPacketLength = 0;
    h[4] = (byte) (pesPacketLength >>> 8);
    h[5] = (byte) pesPacketLength;
    h[6] = (byte) 0x84; // '10', PES_scrambling_control 00, priority 0, data_alignment_indicator 1, 0, 0
    h[7] = (byte) 0xC0; // PTS_DTS_flags '11', no ESCR, ES_rate, trick mode, copy info, CRC or extension
    h[8] = 10; // PES_header_data_length
    writeTimestamp(h, 9, 0b0011, pts90k);
    writeTimestamp(h, 14, 0b0001, dts90k);
    return h;
  }

  /**
   * A PES header carrying only a PTS (PTS_DTS_flags '10'), as audio needs (its DTS would equal the PTS), with
   * data_alignment_indicator set and an exact PES_packet_length.
   *
   * @throws IllegalArgumentException if the payload does not fit one PES packet (64 KiB)
   */
  public static byte[] headerPtsOnly(int streamId, long pts90k, int payloadLength) {
    int pesPacketLength = 3 + 5 + payloadLength;
    if (pesPacketLength > 0xFFFF) throw new IllegalArgumentException("PES payload too long: " + payloadLength);
    byte[] h = new byte[HEADER_LENGTH - 5];
    h[2] = 1;
    h[3] = (byte) streamId;
    h[4] = (byte) (pesPacketLength >>> 8);
    h[5] = (byte) pesPacketLength;
    h[6] = (byte) 0x84;
    h[7] = (byte) 0x80; // PTS_DTS_flags '10'
    h[8] = 5;
    writeTimestamp(h, 9, 0b0010, pts90k);
    return h;
  }

  /** A 33-bit timestamp as 4-bit prefix, 3+15+15 bits each followed by a marker_bit, §2.4.3.6. */
  static void writeTimestamp(byte[] b, int off, int prefix, long ts) {
    ts &= TIMESTAMP_MASK;
    b[off] = (byte) ((prefix << 4) | ((ts >>> 29) & 0x0E) | 1);
    b[off + 1] = (byte) (ts >>> 22);
    b[off + 2] = (byte) (((ts >>> 14) & 0xFE) | 1);
    b[off + 3] = (byte) (ts >>> 7);
    b[off + 4] = (byte) (((ts << 1) & 0xFE) | 1);
  }
}
