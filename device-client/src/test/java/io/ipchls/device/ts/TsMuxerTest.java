package io.ipchls.device.ts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.h264.NalUnits;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TsMuxerTest {
  private static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1E, 0x11};
  private static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};

  /** Access unit {@code i}: key frames every 5th; payload sizes chosen to hit every packet-boundary case. */
  private static List<byte[]> accessUnit(int i, Random random) {
    int[] sizes = {1, 150, 163, 164, 165, 166, 183, 184, 185, 2000, 70_000};
    byte[] slice = new byte[sizes[i % sizes.length]];
    random.nextBytes(slice);
    slice[0] = (byte) (i % 5 == 0 ? 0x65 : 0x41);
    return i % 5 == 0 ? List.of(SPS, PPS, slice) : List.of(slice);
  }

  @Test
  void roundTrip_independentDemuxer_returnsEqualPayloadsAndTimestamps() {
    Random random = new Random(42);
    List<List<byte[]>> aus = new ArrayList<>();
    byte[] ts;
    try (TsMuxer mux = TsMuxer.builder().build()) {
      for (int i = 0; i < 40; i++) {
        List<byte[]> au = accessUnit(i, random);
        aus.add(au);
        long dts = 126_000 + i * 6_000L;
        mux.writeVideo(au, dts + 3_000, dts, i % 5 == 0);
      }
      ts = mux.toByteArray();
      assertEquals(ts.length, mux.bytesWritten());
    }
    TestTsDemuxer d = TestTsDemuxer.demux(ts);
    assertEquals(0x1000, d.pmtPid);
    assertEquals(0x100, d.pcrPid);
    assertEquals(0x1B, d.streamTypes.get(0x100));
    assertEquals(8, d.patCount, "PAT before each of the 8 key frames");
    assertEquals(40, d.pes.size());
    assertEquals(40, d.packetsWithPcr, "one PCR per access unit");
    for (int i = 0; i < 40; i++) {
      TestTsDemuxer.Pes pes = d.pes.get(i);
      long dts = 126_000 + i * 6_000L;
      assertEquals(0xE0, pes.streamId());
      assertEquals(dts + 3_000, pes.pts(), "pts of AU " + i);
      assertEquals(dts, pes.dts(), "dts of AU " + i);
      assertEquals(dts - TsMuxer.DEFAULT_PCR_DELAY_90K, pes.pcrBase(), "PCR of AU " + i);
      assertEquals(i % 5 == 0, pes.randomAccess(), "random_access_indicator of AU " + i);
      List<byte[]> expected = new ArrayList<>();
      expected.add(NalUnits.accessUnitDelimiter());
      expected.addAll(aus.get(i));
      assertArrayEquals(AnnexB.join(expected), pes.payload(), "payload of AU " + i);
    }
  }

  @Test
  void writeVideo_auWithAud_keepsItAndAddsNone() {
    byte[] aud = {0x09, 0x10};
    byte[] slice = {0x41, 0x01, 0x02};
    TsMuxer mux = TsMuxer.builder().build();
    mux.writeVideo(List.of(aud, slice), 0, 0, false);
    TestTsDemuxer d = TestTsDemuxer.demux(mux.toByteArray());
    assertArrayEquals(AnnexB.join(List.of(aud, slice)), d.pes.get(0).payload());
    assertFalse(d.pes.get(0).randomAccess());
  }

  @Test
  void writeVideo_firstPacket_hasExpectedHeaderAndAdaptationField() {
    TsMuxer mux = TsMuxer.builder().pcrDelay90k(0).build();
    mux.writeVideo(List.of(new byte[] {0x65, 0x11}), 90_000, 90_000, true);
    byte[] ts = mux.toByteArray();
    assertEquals(3 * 188, ts.length, "PAT, PMT, one video packet");
    String video = java.util.HexFormat.of().formatHex(ts, 2 * 188, 2 * 188 + 12);
    // 47, PUSI + PID 0x100, AF+payload CC 0, AF length 152 (184 - 31 bytes of PES), RAI+PCR flags,
    // PCR base 90000 = 0x15F90 as 33 bits + '111111' + extension 0
    assertEquals("47" + "4100" + "30" + "98" + "50" + "0000afc8" + "7e00", video);
    assertEquals((byte) 0xFF, ts[2 * 188 + 4 + 152], "last stuffing byte");
    assertEquals(0, ts[2 * 188 + 4 + 153], "PES start code right after the adaptation field");
  }

  @Test
  void output_toCallerStream_writesSameBytesAsMemory() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TsMuxer streamed = TsMuxer.builder().output(out).build(); TsMuxer memory = TsMuxer.builder().build()) {
      List<byte[]> au = List.of(SPS, PPS, new byte[] {0x65, 1, 2, 3});
      streamed.writeVideo(au, /* pts90k= */ 0, /* dts90k= */ 0, /* key= */ true);
      memory.writeVideo(au, /* pts90k= */ 0, /* dts90k= */ 0, /* key= */ true);
      assertArrayEquals(memory.toByteArray(), out.toByteArray());
      assertTrue(out.size() > 0);
    }
  }
}
