package io.ipchls.device.flac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Frame bytes against fixtures worked out by hand from RFC 9639 (CRCs computed separately, bit by bit). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FlacFramesTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void frame_silentBlock_isConstantSubframe() {
    // FFF8 sync + fixed blocking, 6 = 8-bit block size at the end / 4 = 8 kHz, 0 mono / 100 = 16 bits, frame 0,
    // block size - 1 = 15, CRC-8 CE; subframe 00 (CONSTANT) + sample 0000; zero padding none; CRC-16 0E85.
    byte[] frame = FlacFrames.frame(new short[16], 0, 16, 0, 8000);
    assertEquals("fff86408000fce" + "000000" + "0e85", HEX.formatHex(frame));
  }

  @Test
  void frame_ramp_isFixedOrder2WithZeroResidualAndTwoByteFrameNumber() {
    short[] ramp = new short[16];
    for (short i = 0; i < 16; i++) ramp[i] = i;
    // frame number 200 coded as C3 88 (§9.1.5); subframe 14 = FIXED order 2; warm-up 0000 0001; Rice method 00,
    // partition order 0000, parameter 0000, then 14 residuals of 0 as unary '1': 003FFF.
    byte[] frame = FlacFrames.frame(ramp, 0, 16, 200, 8000);
    assertEquals("fff86408c3880fa4" + "14" + "00000001" + "003fff" + "19db", HEX.formatHex(frame));
  }

  @Test
  void frame_samplesSharingThreeLowZeroBits_codesThemAsWastedBits() {
    short[] aLawLike = new short[16];
    for (short i = 0; i < 16; i++) aLawLike[i] = (short) (8 * i);
    // subframe 0 001010 1: FIXED order 2 with wasted bits, then 3 wasted bits as unary 2 ('001'); warm-up 0 and 1
    // in 13 bits; Rice method 00, partition order 0000, parameter 0000, 14 residuals '1'; padding; CRC-16 F83C.
    byte[] frame = FlacFrames.frame(aLawLike, 0, 16, 1, 8000);
    assertEquals("fff86408010fdb" + "152000000801fff8" + "f83c", HEX.formatHex(frame));
  }

  @Test
  void streamInfo_8kHzMono16Bit_hasFixedBlockSizeAndUnknownTotals() {
    byte[] info = new FlacEncoder(8000, 1024).streamInfo();
    // 0400 0400 min/max block size; 000000 000000 frame sizes; 01F40 rate, 0 = 1 channel, 0F = 16 bits (5 bits);
    // total samples 0; MD5 zero.
    assertEquals("04000400" + "000000000000" + "01f400f0" + "00000000" + "0".repeat(32), HEX.formatHex(info));
  }

  @Test
  void push_partialBlocks_emitWholeFramesWithSampleIndexes() {
    FlacEncoder encoder = new FlacEncoder(8000, 160);
    assertEquals(List.of(), encoder.push(new short[100]));
    List<FlacEncoder.Frame> frames = encoder.push(new short[300]);
    assertEquals(2, frames.size());
    assertEquals(0, frames.get(0).firstSample());
    assertEquals(160, frames.get(1).firstSample());
    FlacEncoder.Frame last = encoder.finish();
    assertEquals(320, last.firstSample());
    assertEquals(80, last.samples());
  }

  @Test
  void encoder_blockSizeBelow16_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FlacEncoder(8000, 15));
    assertEquals("block size 15", e.getMessage());
  }

  @Test
  void encoder_sampleRateZero_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FlacEncoder(0, 1024));
    assertEquals("sample rate 0", e.getMessage());
  }
}
