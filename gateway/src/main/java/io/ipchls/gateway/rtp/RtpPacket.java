package io.ipchls.gateway.rtp;

import java.util.Arrays;

/**
 * One RTP data packet (RFC 3550 §5.1), parsed from the bytes of one interleaved frame or UDP datagram. The payload
 * excludes the CSRC list, the header extension (§5.3.1) and the padding (§5.1 P bit).
 *
 * @param payloadType PT, 7 bits
 * @param marker M bit: for video the last packet of an access unit (RFC 6184 §5.1), for AAC the last of an AU
 * @param sequence sequence number, 16 bits
 * @param timestamp RTP timestamp, 32 bits unsigned
 * @param ssrc synchronisation source
 * @param payload the payload bytes
 */
public record RtpPacket(int payloadType, boolean marker, int sequence, long timestamp, long ssrc, byte[] payload) {
  /** RFC 3550 §5.1: V=2. */
  static final int VERSION = 2;
  static final int FIXED_HEADER = 12;

  /**
   * Parses a packet.
   *
   * @throws IllegalArgumentException with the reason for anything that is not an RTP version 2 packet
   */
  public static RtpPacket parse(byte[] b, int offset, int length) {
    if (length < FIXED_HEADER) throw new IllegalArgumentException("RTP packet shorter than its 12-byte header");
    int end = offset + length;
    int b0 = b[offset] & 0xFF;
    if (b0 >>> 6 != VERSION) throw new IllegalArgumentException("RTP version " + (b0 >>> 6) + ", expected 2");
    boolean padding = (b0 & 0x20) != 0;
    boolean extension = (b0 & 0x10) != 0;
    int csrcCount = b0 & 0x0F;
    int b1 = b[offset + 1] & 0xFF;
    int sequence = u16(b, offset + 2);
    long timestamp = u32(b, offset + 4);
    long ssrc = u32(b, offset + 8);
    int pos = offset + FIXED_HEADER + 4 * csrcCount;
    if (extension) { // §5.3.1: 16-bit profile, 16-bit length in 32-bit words
      if (pos + 4 > end) throw new IllegalArgumentException("RTP header extension truncated");
      pos += 4 + 4 * u16(b, pos + 2);
    }
    int padBytes = 0;
    if (padding) {
      padBytes = b[end - 1] & 0xFF; // §5.1: the last octet counts the padding, itself included
      if (padBytes == 0) throw new IllegalArgumentException("RTP padding count 0");
    }
    if (pos > end - padBytes) throw new IllegalArgumentException("RTP header longer than the packet");
    return new RtpPacket(b1 & 0x7F, (b1 & 0x80) != 0, sequence, timestamp, ssrc,
        Arrays.copyOfRange(b, pos, end - padBytes));
  }

  public static RtpPacket parse(byte[] b) {
    return parse(b, 0, b.length);
  }

  static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  static long u32(byte[] b, int i) {
    return ((long) u16(b, i) << 16) | u16(b, i + 2);
  }
}
