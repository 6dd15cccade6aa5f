package io.ipchls.gateway.rtp;

import java.util.HexFormat;

/** Hand-built RTP packets for the depacketizer tests. */
final class Packets {
  private Packets() {}

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** A packet with a 12-byte header: V=2, no padding/extension/CSRC. */
  static RtpPacket rtp(int pt, boolean marker, int seq, long ts, String payloadHex) {
    return RtpPacket.parse(bytes(pt, marker, seq, ts, hex(payloadHex)));
  }

  static byte[] bytes(int pt, boolean marker, int seq, long ts, byte[] payload) {
    byte[] b = new byte[12 + payload.length];
    b[0] = (byte) 0x80;
    b[1] = (byte) ((marker ? 0x80 : 0) | pt);
    b[2] = (byte) (seq >> 8);
    b[3] = (byte) seq;
    b[4] = (byte) (ts >> 24);
    b[5] = (byte) (ts >> 16);
    b[6] = (byte) (ts >> 8);
    b[7] = (byte) ts;
    b[8] = 0x12;
    b[9] = 0x34;
    b[10] = 0x56;
    b[11] = 0x78;
    System.arraycopy(payload, 0, b, 12, payload.length);
    return b;
  }
}
