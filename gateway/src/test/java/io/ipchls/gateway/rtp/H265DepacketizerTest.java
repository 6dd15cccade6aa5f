package io.ipchls.gateway.rtp;

import static io.ipchls.gateway.rtp.Packets.rtp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class H265DepacketizerTest {
  private static List<String> nals(AccessUnit u) {
    return u.nals().stream().map(Packets::hex).toList();
  }

  @Test
  void singleNalUnitPacket_isTheNalUnit() {
    // RFC 7798 §4.4.1; 0x2601 = IDR_W_RADL (type 19), TID 1
    List<AccessUnit> out = new H265Depacketizer(false).push(rtp(96, true, 1, 90, "2601 af09"));
    assertEquals(List.of("2601af09"), nals(out.get(0)));
  }

  @Test
  void aggregationPacket_splitsVpsSpsPps() {
    // §4.4.2 Figure 7: payload header type 48 (0x6001), then 16-bit size + NAL unit per unit
    List<AccessUnit> out = new H265Depacketizer(false)
        .push(rtp(96, true, 1, 0, "6001 0004 40010c01 0004 42010101 0003 4401c1"));
    assertEquals(List.of("40010c01", "42010101", "4401c1"), nals(out.get(0)));
  }

  @Test
  void fragmentationUnits_reassembleWithHeaderFromFuType() {
    // §4.4.3: payload header type 49 (0x6201), FU header S|19 = 0x93, 0x13, E|19 = 0x53
    H265Depacketizer d = new H265Depacketizer(false);
    assertTrue(d.push(rtp(96, false, 1, 90, "6201 93 aabb")).isEmpty());
    assertTrue(d.push(rtp(96, false, 2, 90, "6201 13 cc")).isEmpty());
    List<AccessUnit> out = d.push(rtp(96, true, 3, 90, "6201 53 dd"));
    assertEquals(List.of("2601aabbccdd"), nals(out.get(0)));
  }

  @Test
  void withDonl_skipsDonlInSingleApAndFirstFu() {
    H265Depacketizer d = new H265Depacketizer(true);
    assertEquals(List.of("0201aa"), nals(d.push(rtp(96, true, 1, 90, "0201 0007 aa")).get(0)));
    // AP: DONL (2 bytes) before the first unit, DOND (1 byte) before the next
    assertEquals(List.of("0201bb", "0201cc"),
        nals(d.push(rtp(96, true, 2, 180, "6001 0008 0003 0201bb 01 0003 0201cc")).get(0)));
    d.push(rtp(96, false, 3, 270, "6201 93 0009 aabb"));
    assertEquals(List.of("2601aabbcc"), nals(d.push(rtp(96, true, 4, 270, "6201 53 cc")).get(0)));
  }

  @Test
  void fragmentLost_dropsThePictureAndFlagsTheNext() {
    H265Depacketizer d = new H265Depacketizer(false);
    d.push(rtp(96, false, 1, 90, "6201 93 aabb"));
    d.push(rtp(96, true, 3, 90, "6201 53 dd"));
    List<AccessUnit> out = d.push(rtp(96, true, 4, 180, "0201 ee"));
    assertEquals(List.of("0201ee"), nals(out.get(0)));
    assertTrue(out.get(0).afterLoss());
    assertEquals(1, d.unitsDropped());
  }

  @Test
  void paci_dropsThePicture() {
    H265Depacketizer d = new H265Depacketizer(false);
    assertTrue(d.push(rtp(96, true, 1, 90, "6401 0000 00")).isEmpty());
    assertEquals(1, d.unitsDropped());
  }
}
