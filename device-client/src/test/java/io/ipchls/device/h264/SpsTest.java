package io.ipchls.device.h264;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipchls.device.segment.Frame;
import io.ipchls.device.sim.SimulatedCamera;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpsTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void parse_jcodec640x360_cropsMacroblockPadding() {
    List<Frame> frames = new ArrayList<>();
    new SimulatedCamera(/* width= */ 640, /* height= */ 360, /* fps= */ 15, /* keyFrameInterval= */ 45,
        "sps", frames::add).generate(1);
    byte[] sps = frames.get(0).nals().stream().filter(n -> NalUnits.type(n) == NalUnits.SPS).findFirst().orElseThrow();
    Sps parsed = Sps.parse(sps);
    assertEquals(640, parsed.width());
    assertEquals(360, parsed.height()); // coded as 23 macroblock rows = 368, cropped by 8
  }

  @Test
  void parse_x264High1080p_withScalingMatrixFlagAndCropping() {
    // libx264 -profile:v high -x264-params cqm=jvt, 1920x1080 (1088 coded, frame_crop_bottom_offset 4)
    Sps sps = Sps.parse(HEX.parseHex("67640028acd940780227e5c044000003000400000300083c60c658"));
    assertEquals(100, sps.profileIdc());
    assertEquals(1920, sps.width());
    assertEquals(1080, sps.height());
    assertEquals("avc1.640028", sps.codecString());
  }

  @Test
  void parse_x264High422Interlaced_usesFieldCropUnits() {
    // libx264 -profile:v high422, yuv422p, interlaced, 720x540: 544 coded, CropUnitY = SubHeightC 1 × 2 fields
    Sps sps = Sps.parse(HEX.parseHex("677a0016bcd940b422fde022000003000200000300043e28532c"));
    assertEquals(122, sps.profileIdc());
    assertEquals(2, sps.chromaFormatIdc());
    assertEquals(720, sps.width());
    assertEquals(540, sps.height());
  }

  @Test
  void parse_truncated_throws() {
    assertThrows(IllegalArgumentException.class, () -> Sps.parse(HEX.parseHex("6742c0")));
  }

  @Test
  void parse_notAnSps_throws() {
    assertThrows(IllegalArgumentException.class, () -> Sps.parse(HEX.parseHex("68ce3c80")));
  }

  @Test
  void unescape_dropsEmulationPreventionBytes() {
    assertEquals("000001000000", HEX.formatHex(BitReader.unescape(HEX.parseHex("00000301000003" + "00"))));
  }
}
