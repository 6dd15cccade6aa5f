package io.ipchls.device.h264;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AnnexBReaderTest {
  private static final HexFormat HEX = HexFormat.of();
  // 4-byte start code, SPS; 3-byte start code, PPS; 4-byte, IDR containing 00 00 03 (emulation prevention, kept
  // verbatim) and 00 00 02; trailing_zero_8bits; 3-byte start code, a P slice ending the stream.
  private static final byte[] STREAM = HEX.parseHex(
      "00000001" + "6742c01e8c8d40"
          + "000001" + "68ce3c80"
          + "00000001" + "6588840000030100000200ff"
          + "0000"
          + "000001" + "419a2233");
  private static final List<String> NALS =
      List.of("6742c01e8c8d40", "68ce3c80", "6588840000030100000200ff", "419a2233");

  @Test
  void split_wholeStream_findsEveryNalWithBothStartCodeLengths() {
    assertEquals(NALS, hex(AnnexB.split(STREAM)));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 188})
  void feed_oddSizedChunks_givesTheSameNals(int chunk) {
    AnnexBReader reader = new AnnexBReader();
    List<byte[]> nals = new ArrayList<>();
    for (int off = 0; off < STREAM.length; off += chunk) {
      nals.addAll(reader.feed(STREAM, off, Math.min(chunk, STREAM.length - off)));
    }
    nals.addAll(reader.flush());
    assertEquals(NALS, hex(nals));
  }

  @Test
  void feed_bytesBeforeFirstStartCode_areIgnored() {
    byte[] withGarbage = HEX.parseHex("ff00ee" + "000001" + "0910");
    assertEquals(List.of("0910"), hex(AnnexB.split(withGarbage)));
  }

  @Test
  void feed_remembersLastParameterSets() {
    AnnexBReader reader = new AnnexBReader();
    assertNull(reader.lastSps());
    reader.feed(STREAM, 0, STREAM.length);
    reader.flush();
    assertArrayEquals(HEX.parseHex("6742c01e8c8d40"), reader.lastSps());
    assertArrayEquals(HEX.parseHex("68ce3c80"), reader.lastPps());
  }

  @Test
  void join_thenSplit_roundTrips() {
    List<byte[]> nals = AnnexB.split(STREAM);
    byte[] joined = AnnexB.join(nals);
    assertEquals(AnnexB.size(nals), joined.length);
    assertEquals(NALS, hex(AnnexB.split(joined)));
  }

  @Test
  void nalType_readsLowFiveBits() {
    assertEquals(NalUnits.SPS, NalUnits.type(HEX.parseHex("67")));
    assertEquals(NalUnits.PPS, NalUnits.type(HEX.parseHex("68")));
    assertEquals(NalUnits.IDR, NalUnits.type(HEX.parseHex("65")));
    assertEquals(NalUnits.SEI, NalUnits.type(HEX.parseHex("06")));
    assertEquals(NalUnits.AUD, NalUnits.type(NalUnits.accessUnitDelimiter()));
  }

  static List<String> hex(List<byte[]> nals) {
    return nals.stream().map(HEX::formatHex).toList();
  }
}
