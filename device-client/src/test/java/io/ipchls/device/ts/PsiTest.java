package io.ipchls.device.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fixtures are the sections ffmpeg 5.1 writes for one H.264 program (checked with {@code ffmpeg -f mpegts}). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PsiTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String FFMPEG_PAT = "00b00d0001c100000001f000" + "2ab104b2";
  private static final String FFMPEG_PMT = "02b0120001c10000e100f0001be100f000" + "15bd4d56";

  @Test
  void crc_ofStandardPatBody_isKnownValue() {
    byte[] body = HEX.parseHex(FFMPEG_PAT.substring(0, FFMPEG_PAT.length() - 8));
    assertEquals(0x2AB104B2, Crc32Mpeg2.compute(body));
  }

  @Test
  void crc_ofCheckString_isCatalogueValue() {
    // CRC-32/MPEG-2 check value for ASCII "123456789" (Greg Cook's CRC catalogue)
    assertEquals(0x0376E6E7, Crc32Mpeg2.compute("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
  }

  @Test
  void crc_ofWholeSection_isZero() {
    byte[] pmt = HEX.parseHex(FFMPEG_PMT);
    assertEquals(0, Crc32Mpeg2.compute(pmt));
  }

  @Test
  void crc_tableMatchesBitwiseDefinition() {
    byte[] data = new byte[1000];
    new java.util.Random(7).nextBytes(data);
    assertEquals(TestTsDemuxer.bitwiseCrc(data, 0, data.length), Crc32Mpeg2.compute(data));
  }

  @Test
  void pat_oneProgram_matchesFfmpegBytes() {
    assertEquals(FFMPEG_PAT,
        HEX.formatHex(Psi.pat(/* transportStreamId= */ 1, /* programNumber= */ 1, /* pmtPid= */ 0x1000)));
  }

  @Test
  void pmt_h264Only_matchesFfmpegBytes() {
    assertEquals(FFMPEG_PMT, HEX.formatHex(Psi.pmt(1, 0x100, List.of(TsTrack.H264_VIDEO))));
  }

  @Test
  void pmt_h265Only_matchesFfmpegBytes() {
    // ffmpeg -c:v libx265 -f mpegts: stream_type 0x24 with a registration_descriptor "HEVC"
    assertEquals("02b0180001c10000e100f00024e100f006050448455643cb9e0052",
        HEX.formatHex(Psi.pmt(1, 0x100, List.of(TsTrack.H265_VIDEO))));
  }

  @Test
  void pmt_withAacTrack_addsSecondEsLoopEntry() {
    byte[] pmt = Psi.pmt(1, 0x100, List.of(TsTrack.H264_VIDEO, TsTrack.AAC_AUDIO));
    String hex = HEX.formatHex(pmt);
    // section_length grows by 5; second entry: stream_type 0x0F, PID 0x101, ES_info_length 0
    assertEquals("02b017" + "0001c10000e100f000" + "1be100f000" + "0fe101f000", hex.substring(0, hex.length() - 8));
    assertEquals(0, Crc32Mpeg2.compute(pmt));
  }

  @Test
  void pesHeader_ptsAndDts_encodeWithMarkerBits() {
    // PTS 0x1_2345_6789: '0011' 100 1 | 100 0110 1000 1010 1 | 110 0111 1000 1001 1
    // DTS 126000 (ffmpeg's first DTS too): '0001' 000 1 | 0000 0000 0000 011 1 | 1101 1000 0110 000 1
    // PES_packet_length = 3 + 10 + 100 = 0x71
    byte[] h = Pes.header(/* streamId= */ 0xE0, /* pts90k= */ 0x123456789L, /* dts90k= */ 126_000,
        /* payloadLength= */ 100);
    assertEquals("000001e0" + "0071" + "84c00a" + "398d15cf13" + "110007d861", HEX.formatHex(h));
  }

  @Test
  void pesHeader_payloadOver64k_usesUnboundedLength() {
    byte[] h = Pes.header(/* streamId= */ 0xE0, /* pts90k= */ 0, /* dts90k= */ 0, /* payloadLength= */ 70_000);
    assertEquals("0000", HEX.formatHex(h, 4, 6));
  }
}
