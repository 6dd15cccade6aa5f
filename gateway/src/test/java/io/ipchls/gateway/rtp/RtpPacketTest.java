package io.ipchls.gateway.rtp;

import static io.ipchls.gateway.rtp.Packets.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RtpPacketTest {
  @Test
  void parse_fixedHeader_readsEveryField() {
    RtpPacket p = RtpPacket.parse(hex("80e0 fffe 8000 0001 12345678 6588"));
    assertEquals(96, p.payloadType());
    assertTrue(p.marker());
    assertEquals(0xfffe, p.sequence());
    assertEquals(0x80000001L, p.timestamp());
    assertEquals(0x12345678L, p.ssrc());
    assertEquals("6588", hex(p.payload()));
  }

  @Test
  void parse_csrcExtensionAndPadding_areNotPayload() {
    // CC=1, X=1, P=1: one CSRC, a one-word extension, 2 bytes of padding (RFC 3550 §5.1, §5.3.1)
    RtpPacket p = RtpPacket.parse(hex("b1 60 0001 00000010 00000001 aabbccdd bede0001 01020304 4142 0002"));
    assertEquals("4142", hex(p.payload()));
    assertEquals(96, p.payloadType());
  }

  @Test
  void parse_version1_refused() {
    var e = assertThrows(IllegalArgumentException.class, () -> RtpPacket.parse(hex("40600001000000010000000141")));
    assertEquals("RTP version 1, expected 2", e.getMessage());
  }

  @Test
  void parse_shorterThanHeader_refused() {
    assertThrows(IllegalArgumentException.class, () -> RtpPacket.parse(hex("806000010000")));
  }

  @Test
  void parse_extensionPastEnd_refused() {
    assertThrows(IllegalArgumentException.class, () -> RtpPacket.parse(hex("90600001 00000001 00000001 bede0009")));
  }

  @Test
  void parse_paddingLongerThanPacket_refused() {
    assertThrows(IllegalArgumentException.class, () -> RtpPacket.parse(hex("a0600001 00000001 00000001 41 20")));
  }

  @Test
  void unwrap_acrossWrapAround_keepsCounting() {
    TimestampUnwrapper u = new TimestampUnwrapper();
    assertEquals(0xFFFFFF00L, u.unwrap(0xFFFFFF00L));
    assertEquals(0x100000100L, u.unwrap(0x100));
    assertEquals(0xFFFFFFF0L, u.unwrap(0xFFFFFFF0L)); // a step back across the wrap
  }
}
