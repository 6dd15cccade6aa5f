package io.ipchls.gateway.rtp;

import static io.ipchls.gateway.rtp.Packets.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SenderReportTest {
  @Test
  void find_srAfterAnRrInACompoundPacket() {
    // RR (PT 201, no report blocks, length 1), then SR (PT 200, length 6): SSRC, NTP 0xE9A1B2C3.80000000 (x.5 s),
    // RTP timestamp 0x00015F90, packet and octet counts
    byte[] compound = hex("80c9 0001 11111111"
        + "80c8 0006 22222222 e9a1b2c3 80000000 00015f90 00000010 00001000");
    SenderReport sr = SenderReport.find(compound).orElseThrow();
    assertEquals(0x22222222L, sr.ssrc());
    assertEquals(90_000, sr.rtpTimestamp());
    assertEquals((0xe9a1b2c3L - SenderReport.NTP_UNIX_OFFSET_S) * 1_000_000L + 500_000, sr.unixMicros());
  }

  @Test
  void find_noSr_empty() {
    assertTrue(SenderReport.find(hex("80c9 0001 11111111")).isEmpty());
  }

  @Test
  void find_lengthPastPacket_empty() {
    assertTrue(SenderReport.find(hex("80c8 0006 22222222 e9a1b2c3")).isEmpty());
  }
}
