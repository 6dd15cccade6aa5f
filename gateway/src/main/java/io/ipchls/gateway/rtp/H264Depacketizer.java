package io.ipchls.gateway.rtp;

/**
 * H.264 over RTP in non-interleaved mode (RFC 6184 §6.2, packetization-mode 0 or 1): single NAL unit packets
 * (§5.6), STAP-A (§5.7.1) and FU-A (§5.8). STAP-B, MTAP and FU-B exist only in interleaved mode (§6.3) and are
 * refused as malformed.
 */
public final class H264Depacketizer extends VideoDepacketizer {
  /** RFC 6184 §5.2 Table 1. */
  static final int STAP_A = 24;
  static final int FU_A = 28;

  @Override
  void payload(byte[] p) {
    if (p.length < 1) throw new IllegalArgumentException("empty payload");
    int type = p[0] & 0x1F;
    if (type >= 1 && type <= 23) {
      nal(p); // §5.6: the payload is the NAL unit
    } else if (type == STAP_A) {
      // §5.7.1: STAP-A NAL header, then (16-bit NALU size, NAL unit)*
      int pos = 1;
      while (pos < p.length) {
        if (pos + 2 > p.length) throw new IllegalArgumentException("STAP-A size field truncated");
        int size = u16(p, pos);
        nal(slice(p, pos + 2, size));
        pos += 2 + size;
      }
    } else if (type == FU_A) {
      // §5.8: FU indicator (F, NRI, type 28), FU header (S, E, R, type)
      if (p.length < 3) throw new IllegalArgumentException("FU-A shorter than its headers");
      int fuHeader = p[1] & 0xFF;
      boolean start = (fuHeader & 0x80) != 0;
      boolean end = (fuHeader & 0x40) != 0;
      if (start) {
        // the NAL unit header: F and NRI from the indicator, the type from the FU header
        startFragment(new byte[] {(byte) ((p[0] & 0xE0) | (fuHeader & 0x1F))}, p, 2);
        if (end) appendFragment(p, p.length, true); // §5.8 forbids S and E together; taken as a whole NAL unit
      } else {
        appendFragment(p, 2, end);
      }
    } else {
      throw new IllegalArgumentException("NAL unit type " + type + " is not allowed in non-interleaved mode");
    }
  }
}
