package io.ipchls.gateway.rtp;

import static io.ipchls.gateway.rtp.Packets.hex;
import static io.ipchls.gateway.rtp.Packets.rtp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class G711DepacketizerTest {
  @Test
  void eachPacket_isItsSamplesAtItsTimestamp() {
    G711Depacketizer d = new G711Depacketizer();
    List<AccessUnit> out = d.push(rtp(8, false, 1, 160, "d5d5 5555"));
    assertEquals("d5d55555", hex(out.get(0).nals().get(0)));
    assertEquals(160, out.get(0).timestamp());
    assertFalse(out.get(0).afterLoss());
  }

  @Test
  void lostPacket_flagsTheNext() {
    G711Depacketizer d = new G711Depacketizer();
    d.push(rtp(0, false, 1, 0, "ff"));
    assertTrue(d.push(rtp(0, false, 3, 320, "ff")).get(0).afterLoss());
    assertEquals(1, d.packetsLost());
  }
}
