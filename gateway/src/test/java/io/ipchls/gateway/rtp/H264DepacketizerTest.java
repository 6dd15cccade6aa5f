package io.ipchls.gateway.rtp;

import static io.ipchls.gateway.rtp.Packets.hex;
import static io.ipchls.gateway.rtp.Packets.rtp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class H264DepacketizerTest {
  private final H264Depacketizer d = new H264Depacketizer();

  private static List<String> nals(AccessUnit u) {
    return u.nals().stream().map(Packets::hex).toList();
  }

  @Test
  void singleNalPackets_markerEndsAccessUnit() {
    assertTrue(d.push(rtp(96, false, 1, 3000, "0601 05")).isEmpty()); // SEI
    List<AccessUnit> out = d.push(rtp(96, true, 2, 3000, "4188 8421"));  // non-IDR slice, marker
    assertEquals(1, out.size());
    assertEquals(3000, out.get(0).timestamp());
    assertEquals(List.of("060105", "41888421"), nals(out.get(0)));
    assertFalse(out.get(0).afterLoss());
  }

  @Test
  void stapA_splitsIntoItsNalUnits() {
    // RFC 6184 §5.7.1 Figure 7: STAP-A header 0x78 (NRI 3, type 24), then size + NAL unit, twice
    List<AccessUnit> out = d.push(rtp(96, true, 7, 0, "78 0004 6742001f 0003 68ce3c"));
    assertEquals(List.of("6742001f", "68ce3c"), nals(out.get(0)));
  }

  @Test
  void fuA_reassemblesNalUnitWithHeaderFromIndicatorAndFuHeader() {
    // §5.8: indicator 0x7c (F 0, NRI 3, type 28), FU headers 0x85 (S, type 5) / 0x05 / 0x45 (E, type 5)
    assertTrue(d.push(rtp(96, false, 10, 90, "7c 85 aabb")).isEmpty());
    assertTrue(d.push(rtp(96, false, 11, 90, "7c 05 ccdd")).isEmpty());
    List<AccessUnit> out = d.push(rtp(96, true, 12, 90, "7c 45 ee")); 
    assertEquals(List.of("65aabbccddee"), nals(out.get(0)));
  }

  @Test
  void fuA_middleFragmentLost_dropsThePictureAndFlagsTheNext() {
    d.push(rtp(96, false, 10, 90, "7c 85 aabb"));
    d.push(rtp(96, true, 12, 90, "7c 45 ee")); // 11 lost
    List<AccessUnit> out = d.push(rtp(96, true, 13, 180, "4101"));
    assertEquals(1, out.size());
    assertEquals(List.of("4101"), nals(out.get(0)));
    assertTrue(out.get(0).afterLoss());
    assertEquals(1, d.packetsLost());
    assertEquals(1, d.unitsDropped());
    assertFalse(d.push(rtp(96, true, 14, 270, "4102")).get(0).afterLoss());
  }

  @Test
  void fuA_endLostWithMarker_truncatedNalUnitNeverReturned() {
    d.push(rtp(96, false, 1, 90, "7c 85 aabb"));
    // seq 2 (the E fragment with the marker) lost; the next picture starts
    List<AccessUnit> out = new ArrayList<>(d.push(rtp(96, false, 3, 180, "7c 81 11")));
    out.addAll(d.push(rtp(96, true, 4, 180, "7c 41 22")));
    assertEquals(0, out.size()); // the picture after the gap may have lost its head too
    out = d.push(rtp(96, true, 5, 270, "4103"));
    assertEquals(List.of("4103"), nals(out.get(0)));
    assertTrue(out.get(0).afterLoss());
  }

  @Test
  void timestampChangeWithoutMarker_endsTheAccessUnit() {
    assertTrue(d.push(rtp(96, false, 1, 90, "4101")).isEmpty());
    List<AccessUnit> out = d.push(rtp(96, false, 2, 180, "4102"));
    assertEquals(List.of("4101"), nals(out.get(0)));
    assertEquals(90, out.get(0).timestamp());
  }

  @Test
  void sequenceWrap_isNotALoss() {
    d.push(rtp(96, true, 0xFFFF, 90, "4101"));
    List<AccessUnit> out = d.push(rtp(96, true, 0, 180, "4102"));
    assertFalse(out.get(0).afterLoss());
    assertEquals(0, d.packetsLost());
  }

  @Test
  void duplicatePacket_isIgnored() {
    d.push(rtp(96, false, 5, 90, "7c 85 aa"));
    d.push(rtp(96, false, 5, 90, "7c 85 aa"));
    List<AccessUnit> out = d.push(rtp(96, true, 6, 90, "7c 45 bb"));
    assertEquals(List.of("65aabb"), nals(out.get(0)));
  }

  @Test
  void stapA_sizePastPacket_dropsThePicture() {
    assertTrue(d.push(rtp(96, true, 1, 90, "78 0009 6742")).isEmpty());
    assertEquals(1, d.unitsDropped());
  }

  @Test
  void stapB_interleavedOnly_dropsThePicture() {
    assertTrue(d.push(rtp(96, true, 1, 90, "79 0000 0002 4101")).isEmpty());
    assertEquals(1, d.unitsDropped());
  }

  @Test
  void fuA_continuationWithoutStart_dropsThePicture() {
    assertTrue(d.push(rtp(96, true, 1, 90, "7c 45 bb")).isEmpty());
    assertEquals(1, d.unitsDropped());
  }
}
