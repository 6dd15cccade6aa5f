package io.ipchls.device.h265;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPS fixtures written by libx265 (ffmpeg -c:v libx265 -f hevc); expected values are what ffprobe reports. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpsTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void parse_x265Main320x240() {
    // testsrc2=size=320x240:rate=25, bframes=2: ffprobe says Main, level 60, 320x240, has_b_frames 2
    Sps sps = Sps.parse(HEX.parseHex(
        "42010101600000030090000003000003003ca00a080f16595924932bc05a020000030002000003003210"));
    assertEquals(1, sps.profileTierLevel().profileIdc());
    assertFalse(sps.profileTierLevel().highTier());
    assertEquals(0x60000000, sps.profileTierLevel().profileCompatibilityFlags()); // flags [1] and [2]
    assertEquals(0x9000_0000_0000L, sps.profileTierLevel().constraintIndicatorFlags());
    assertTrue(sps.profileTierLevel().progressiveSource());
    assertEquals(60, sps.profileTierLevel().levelIdc());
    assertEquals(320, sps.width());
    assertEquals(240, sps.height());
    assertEquals(1, sps.chromaFormatIdc());
    assertEquals(8, sps.bitDepthLuma());
    assertEquals(8, sps.bitDepthChroma());
    assertEquals(2, sps.maxNumReorderPics());
    assertEquals(0, sps.maxSubLayersMinus1());
    assertTrue(sps.temporalIdNesting());
    assertEquals(25.0, sps.frameRate().orElseThrow());
    assertEquals("hvc1.1.6.L60.90", sps.codecString());
  }

  @Test
  void parse_x265Main10_200x90_cropsConformanceWindow() {
    // 200x90 is coded as 200x96 (8-sample minimum coding blocks): conf_win_bottom_offset 3 chroma rows
    Sps sps = Sps.parse(HEX.parseHex(
        "42010102200000030090000003000003001ea0192061f2365959a4932bc05a020000030002000003003210"));
    assertEquals(2, sps.profileTierLevel().profileIdc());
    assertEquals(200, sps.codedWidth());
    assertEquals(96, sps.codedHeight());
    assertEquals(200, sps.width());
    assertEquals(90, sps.height());
    assertEquals(10, sps.bitDepthLuma());
    assertEquals(10, sps.bitDepthChroma());
    assertEquals("hvc1.2.4.L30.90", sps.codecString());
  }

  @Test
  void parse_x265RangeExtension422WithHrd_readsPastHrdParameters() {
    // yuv422p, hrd=1 with VBV: the VUI carries hrd_parameters() before the timing it is read past for
    Sps sps = Sps.parse(HEX.parseHex("4201010408000003009d0800000300003cb00b08048596566924caf0168080000003008000000f"
        + "300a48370007a12000f42440"));
    assertEquals(4, sps.profileTierLevel().profileIdc());
    assertEquals(2, sps.chromaFormatIdc());
    assertEquals(352, sps.width());
    assertEquals(288, sps.height());
    assertEquals(30.0, sps.frameRate().orElseThrow());
    assertEquals("hvc1.4.10.L60.9D.8", sps.codecString());
  }

  @Test
  void parse_truncated_throws() {
    assertThrows(IllegalArgumentException.class, () -> Sps.parse(HEX.parseHex("420101016000000300900000")));
  }

  @Test
  void parse_notAnSps_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Sps.parse(HEX.parseHex("4401c172b46240")));
    assertEquals("not an H.265 SPS NAL unit", e.getMessage());
  }

  @Test
  void codecString_highTierProfileSpaceAndTrailingZeroBytes() {
    ProfileTierLevel ptl = new ProfileTierLevel(1, true, 2, 0x20000000, 0xB0_00_00_00_00_01L, 120);
    assertEquals("hvc1.A2.4.H120.B0.0.0.0.0.1", ptl.codecString());
  }
}
