package io.ipchls.gateway.rtp;

import static io.ipchls.gateway.rtp.Packets.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AudioSpecificConfigTest {
  @Test
  void parse_lc48kStereo() {
    // 0x1190: object type 2 (00010), index 3 (0011), channels 2 (0010), frameLengthFlag 0
    AudioSpecificConfig c = AudioSpecificConfig.parseHex("1190");
    assertEquals(new AudioSpecificConfig(2, 3, 2, 1024), c);
    assertEquals(48000, c.sampleRate());
    assertEquals("mp4a.40.2", c.codecString());
  }

  @Test
  void parse_lc8kMono_asCamerasSend() {
    assertEquals(new AudioSpecificConfig(2, 11, 1, 1024), AudioSpecificConfig.parseHex("1588"));
  }

  @Test
  void parse_explicitSbr_givesCore() {
    // object type 5, index 6 (24 kHz core), channels 2, extension index 3 (48 kHz), core type 2
    AudioSpecificConfig c = AudioSpecificConfig.parseHex("2b118800");
    assertEquals(2, c.objectType());
    assertEquals(6, c.samplingIndex());
  }

  @Test
  void adts_headerBytesForLc48kStereo() {
    // ISO/IEC 13818-7 §6.2.1: FFF1, profile 1 | index 3 | channels 2, length 7 + 100 = 107, fullness 0x7FF
    byte[] adts = AudioSpecificConfig.parseHex("1190").adts(new byte[100]);
    assertEquals("fff14c800d7ffc", hex(java.util.Arrays.copyOf(adts, 7)));
    assertEquals(107, adts.length);
  }

  @Test
  void parse_notHex_refused() {
    var e = assertThrows(IllegalArgumentException.class, () -> AudioSpecificConfig.parseHex("zz"));
    assertEquals("AAC config=zz is not hexadecimal", e.getMessage());
  }

  @Test
  void parse_truncated_refused() {
    assertThrows(IllegalArgumentException.class, () -> AudioSpecificConfig.parseHex("11"));
  }

  @Test
  void parse_objectTypeAdtsCannotCarry_refused() {
    // object type 23 (ER AAC LD): 10111 0011 0010 ...
    var e = assertThrows(IllegalArgumentException.class, () -> AudioSpecificConfig.parseHex("b990"));
    assertEquals("AAC object type 23 cannot be carried in ADTS (1..4 only)", e.getMessage());
  }
}
