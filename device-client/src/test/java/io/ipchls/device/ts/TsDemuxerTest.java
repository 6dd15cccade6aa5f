package io.ipchls.device.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.testing.Ffmpeg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production demuxer against ffmpeg's transport streams and the independent test reader, and against junk: each
 * bad input is refused with its reason.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TsDemuxerTest {
  @TempDir
  Path dir;

  @Test
  void demux_ffmpegStream_givesTheSamePesAsTheTestReader() throws Exception {
    byte[] ts = ffmpegTs();
    List<TsDemuxer.Packet> ours = TsDemuxer.demux(ts);
    TestTsDemuxer reference = TestTsDemuxer.demux(withoutPid(ts, SDT_PID)); // the test reader knows PAT/PMT/PES only
    assertEquals(reference.pes.size(), ours.size());
    for (int i = 0; i < ours.size(); i++) {
      assertEquals(reference.pes.get(i).pts(), ours.get(i).pts(), "PTS of PES " + i);
      assertEquals(reference.pes.get(i).dts(), ours.get(i).dts(), "DTS of PES " + i);
      assertTrue(Arrays.equals(reference.pes.get(i).payload(), ours.get(i).payload()), "payload of PES " + i);
      assertEquals(reference.streamTypes.get(ours.get(i).pid()), ours.get(i).streamType());
    }
    assertTrue(ours.stream().anyMatch(p -> p.streamType() == 0x1B) && ours.stream().anyMatch(p -> p.streamType() == 0x0F));
  }

  @Test
  void demux_lostPacket_dropsOnlyTheBrokenPes() throws Exception {
    byte[] ts = ffmpegTs();
    int whole = TsDemuxer.demux(ts).size();
    int victim = -1; // a video packet in the middle of a PES (not its first)
    for (int off = 188 * 20; off < ts.length; off += 188) {
      if (pid(ts, off) == 0x100 && (ts[off + 1] & 0x40) == 0) {
        victim = off;
        break;
      }
    }
    byte[] cut = new byte[ts.length - 188];
    System.arraycopy(ts, 0, cut, 0, victim);
    System.arraycopy(ts, victim + 188, cut, victim, ts.length - victim - 188);
    assertEquals(whole - 1, TsDemuxer.demux(cut).size());
  }

  @Test
  void demux_partialPacket_isRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> TsDemuxer.demux(new byte[200]));
    assertTrue(e.getMessage().contains("188"), e.getMessage());
  }

  @Test
  void demux_noSyncByte_isRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> TsDemuxer.demux(new byte[376]));
    assertTrue(e.getMessage().contains("sync byte"), e.getMessage());
  }

  @Test
  void demux_badPsiCrc_isRefused() throws Exception {
    byte[] ts = ffmpegTs();
    int pat = 0;
    while (pid(ts, pat) != 0) pat += 188;
    ts[pat + 10] ^= 0x01; // inside the PAT section
    var e = assertThrows(IllegalArgumentException.class, () -> TsDemuxer.demux(ts));
    assertTrue(e.getMessage().contains("CRC"), e.getMessage());
  }

  /** PID 0x0011: ffmpeg's service description table (ETSI EN 300 468), not part of ISO/IEC 13818-1's PSI. */
  private static final int SDT_PID = 0x11;

  private static int pid(byte[] ts, int off) {
    return ((ts[off + 1] & 0x1F) << 8) | (ts[off + 2] & 0xFF);
  }

  private static byte[] withoutPid(byte[] ts, int pid) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(ts.length);
    for (int off = 0; off < ts.length; off += 188) if (pid(ts, off) != pid) out.write(ts, off, 188);
    return out.toByteArray();
  }

  private byte[] ffmpegTs() throws Exception {
    Path out = dir.resolve("a.ts");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=sample_rate=48000",
        "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-c:a", "aac", "-f", "mpegts", out);
    return Files.readAllBytes(out);
  }
}
