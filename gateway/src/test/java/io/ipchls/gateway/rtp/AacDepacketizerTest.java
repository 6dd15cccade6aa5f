package io.ipchls.gateway.rtp;

import static io.ipchls.gateway.rtp.Packets.hex;
import static io.ipchls.gateway.rtp.Packets.rtp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AacDepacketizerTest {
  /** AAC-hbr as GStreamer's rtpmp4gpay and most cameras announce it. */
  private static final Map<String, String> HBR = Map.of("mode", "AAC-hbr", "sizelength", "13", "indexlength", "3",
      "indexdeltalength", "3", "config", "1190");
  private final AacDepacketizer d = AacDepacketizer.fromFmtp(HBR, 1024);

  @Test
  void twoAusInOnePacket_splitWithConsecutiveTimestamps() {
    // RFC 3640 §3.3.6: AU-headers-length 32 bits; AU-size 3 / index 0 = 0x0018, AU-size 2 / delta 0 = 0x0010
    List<AccessUnit> out = d.push(rtp(97, true, 1, 48000, "0020 0018 0010 aabbcc ddee"));
    assertEquals(2, out.size());
    assertEquals("aabbcc", hex(out.get(0).nals().get(0)));
    assertEquals(48000, out.get(0).timestamp());
    assertEquals("ddee", hex(out.get(1).nals().get(0)));
    assertEquals(48000 + 1024, out.get(1).timestamp());
  }

  @Test
  void fragmentedAu_reassembledAcrossPackets() {
    // §3.2.3.2: one AU header with the whole AU's size (5 bytes = 0x0028) in each fragment's packet
    assertTrue(d.push(rtp(97, false, 1, 1024, "0010 0028 aabb")).isEmpty());
    List<AccessUnit> out = d.push(rtp(97, true, 2, 1024, "0010 0028 ccddee"));
    assertEquals("aabbccddee", hex(out.get(0).nals().get(0)));
    assertEquals(1024, out.get(0).timestamp());
  }

  @Test
  void fragmentLost_auDroppedAndNextFlagged() {
    d.push(rtp(97, false, 1, 1024, "0010 0028 aabb"));
    List<AccessUnit> out = d.push(rtp(97, true, 3, 2048, "0010 0010 1122"));
    assertEquals(1, out.size());
    assertEquals("1122", hex(out.get(0).nals().get(0)));
    assertTrue(out.get(0).afterLoss());
    assertFalse(d.push(rtp(97, true, 4, 3072, "0010 0010 3344")).get(0).afterLoss());
  }

  @Test
  void auSizePastPacket_dropsPacketAndFlagsLoss() {
    assertTrue(d.push(rtp(97, true, 1, 0, "0020 0018 0018 aabbcc")).isEmpty());
    assertTrue(d.push(rtp(97, true, 2, 2048, "0010 0010 1122")).get(0).afterLoss());
  }

  @Test
  void fromFmtp_withoutSizeLength_refused() {
    var e = assertThrows(IllegalArgumentException.class, () -> AacDepacketizer.fromFmtp(Map.of("mode", "AAC-hbr"), 1024));
    assertEquals("mpeg4-generic without sizeLength in its fmtp", e.getMessage());
  }

  @Test
  void fromFmtp_ctsDelta_refused() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> AacDepacketizer.fromFmtp(Map.of("sizelength", "13", "ctsdeltalength", "16"), 1024));
    assertEquals("mpeg4-generic with ctsdeltalength=16 is not supported", e.getMessage());
  }

  @Test
  void fromFmtp_sizeLengthNotANumber_refused() {
    assertThrows(IllegalArgumentException.class, () -> AacDepacketizer.fromFmtp(Map.of("sizelength", "x"), 1024));
  }
}
