package io.ipchls.gateway.rtp;

import java.util.Optional;

/**
 * The timing part of an RTCP sender report (RFC 3550 §6.4.1): the sender's wall-clock time (NTP format) at the
 * instant its media clock read {@code rtpTimestamp}.
 *
 * @param ssrc the sender
 * @param unixMicros the NTP timestamp as microseconds since 1970
 * @param rtpTimestamp the RTP timestamp of the same instant, 32 bits unsigned
 */
public record SenderReport(long ssrc, long unixMicros, long rtpTimestamp) {
  /** RFC 3550 §12.1. */
  static final int PT_SR = 200;
  /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
  static final long NTP_UNIX_OFFSET_S = 2_208_988_800L;

  /**
   * The first sender report of a compound RTCP packet (§6.1: packets back to back, each with a 16-bit length in
   * 32-bit words minus one); empty when there is none or the packet is malformed.
   */
  public static Optional<SenderReport> find(byte[] b) {
    int pos = 0;
    while (pos + 4 <= b.length) {
      int v = (b[pos] & 0xFF) >>> 6;
      int pt = b[pos + 1] & 0xFF;
      int bytes = 4 * (RtpPacket.u16(b, pos + 2) + 1);
      if (v != 2 || pos + bytes > b.length) return Optional.empty();
      if (pt == PT_SR && bytes >= 28) {
        long ssrc = RtpPacket.u32(b, pos + 4);
        long seconds = RtpPacket.u32(b, pos + 8);
        long fraction = RtpPacket.u32(b, pos + 12);
        long micros = (seconds - NTP_UNIX_OFFSET_S) * 1_000_000L + ((fraction * 1_000_000L) >>> 32);
        return Optional.of(new SenderReport(ssrc, micros, RtpPacket.u32(b, pos + 16)));
      }
      pos += bytes;
    }
    return Optional.empty();
  }
}
