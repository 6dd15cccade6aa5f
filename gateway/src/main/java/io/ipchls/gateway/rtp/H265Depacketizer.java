package io.ipchls.gateway.rtp;

/**
 * H.265 over RTP (RFC 7798): single NAL unit packets (§4.4.1), aggregation packets (§4.4.2) and fragmentation units
 * (§4.4.3). The DONL/DOND fields are present only when the SDP says {@code sprop-max-don-diff} &gt; 0 (§7.1); they are
 * skipped (decoding order is transmission order for the single-stream transmission we accept). PACI packets (§4.4.4)
 * are refused as malformed.
 */
public final class H265Depacketizer extends VideoDepacketizer {
  /** RFC 7798 §4.4.2, §4.4.3. */
  static final int AP = 48;
  static final int FU = 49;
  private final boolean donl;

  /** @param donl true when {@code sprop-max-don-diff} is greater than 0 */
  public H265Depacketizer(boolean donl) {
    this.donl = donl;
  }

  @Override
  void payload(byte[] p) {
    if (p.length < 3) throw new IllegalArgumentException("payload shorter than a NAL unit header");
    int type = (p[0] >> 1) & 0x3F; // ITU-T H.265 §7.3.1.2: forbidden_zero_bit, nal_unit_type(6), ...
    if (type < AP) {
      if (donl) { // §4.4.1: header, DONL, the rest of the NAL unit
        byte[] nal = new byte[p.length - 2];
        nal[0] = p[0];
        nal[1] = p[1];
        System.arraycopy(p, 4, nal, 2, p.length - 4);
        nal(nal);
      } else {
        nal(p);
      }
    } else if (type == AP) {
      // §4.4.2: payload header, then ([DONL or DOND], 16-bit size, NAL unit)*
      int pos = 2;
      boolean first = true;
      while (pos < p.length) {
        if (donl) pos += first ? 2 : 1;
        first = false;
        if (pos + 2 > p.length) throw new IllegalArgumentException("AP size field truncated");
        int size = u16(p, pos);
        nal(slice(p, pos + 2, size));
        pos += 2 + size;
      }
    } else if (type == FU) {
      // §4.4.3: payload header (type 49), FU header (S, E, FuType), [DONL], FU payload
      int fuHeader = p[2] & 0xFF;
      boolean start = (fuHeader & 0x80) != 0;
      boolean end = (fuHeader & 0x40) != 0;
      int from = 3 + (donl && start ? 2 : 0);
      if (from > p.length) throw new IllegalArgumentException("FU shorter than its headers");
      if (start) {
        // the NAL unit header: F, LayerId and TID from the payload header, the type from FuType
        byte[] header = {(byte) ((p[0] & 0x81) | ((fuHeader & 0x3F) << 1)), p[1]};
        startFragment(header, p, from);
        if (end) appendFragment(p, p.length, true);
      } else {
        appendFragment(p, from, end);
      }
    } else {
      throw new IllegalArgumentException("NAL unit type " + type + " (PACI or reserved) is not supported");
    }
  }
}
