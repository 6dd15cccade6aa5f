package io.ipchls.device.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately naive transport stream reader written from ISO/IEC 13818-1 for tests only; it shares no code with
 * the muxer. It checks sync bytes, per-PID continuity counters, CRCs, and that PAT and PMT come before any PES.
 */
public final class TestTsDemuxer {
  /** One reassembled PES packet. */
  public record Pes(int pid, int streamId, long pts, long dts, byte[] payload, boolean randomAccess, long pcrBase) {}

  public final List<Pes> pes = new ArrayList<>();
  public final Map<Integer, Integer> streamTypes = new HashMap<>(); // elementary PID -> stream_type
  public int pmtPid = -1;
  public int pcrPid = -1;
  public int patCount;
  public int packetsWithPcr;

  private final Map<Integer, Integer> lastCc = new HashMap<>();
  private final Map<Integer, ByteArrayOutputStream> open = new HashMap<>();
  private final Map<Integer, boolean[]> openRai = new HashMap<>();
  private final Map<Integer, long[]> openPcr = new HashMap<>();

  public static TestTsDemuxer demux(byte[] ts) {
    TestTsDemuxer d = new TestTsDemuxer();
    assertEquals(0, ts.length % 188, "whole packets");
    for (int off = 0; off < ts.length; off += 188) d.packet(ts, off);
    for (int pid : new ArrayList<>(d.open.keySet())) d.finishPes(pid);
    return d;
  }

  private void packet(byte[] b, int off) {
    assertEquals(0x47, b[off] & 0xFF, "sync byte at " + off);
    boolean pusi = (b[off + 1] & 0x40) != 0;
    int pid = ((b[off + 1] & 0x1F) << 8) | (b[off + 2] & 0xFF);
    int afc = (b[off + 3] >> 4) & 3;
    int cc = b[off + 3] & 0x0F;
    assertEquals(0, (b[off + 3] >> 6) & 3, "not scrambled");
    if ((afc & 1) != 0) {
      Integer prev = lastCc.put(pid, cc);
      if (prev != null) assertEquals((prev + 1) & 0xF, cc, "continuity counter on PID " + pid);
    }
    int pos = off + 4;
    boolean rai = false;
    long pcr = -1;
    if ((afc & 2) != 0) {
      int len = b[pos] & 0xFF;
      if (len > 0) {
        int flags = b[pos + 1] & 0xFF;
        rai = (flags & 0x40) != 0;
        if ((flags & 0x10) != 0) {
          pcr = ((long) (b[pos + 2] & 0xFF) << 25) | ((b[pos + 3] & 0xFF) << 17) | ((b[pos + 4] & 0xFF) << 9)
              | ((b[pos + 5] & 0xFF) << 1) | ((b[pos + 6] & 0xFF) >> 7);
          packetsWithPcr++;
        }
        for (int i = pos + 2 + (pcr >= 0 ? 6 : 0); i < pos + 1 + len; i++) {
          assertEquals(0xFF, b[i] & 0xFF, "stuffing byte");
        }
      }
      pos += 1 + len;
    }
    int end = off + 188;
    if (pid == 0) {
      table(b, pos, pusi, 0);
    } else if (pid == pmtPid) {
      table(b, pos, pusi, 2);
    } else if ((afc & 1) != 0) {
      assertTrue(streamTypes.containsKey(pid), "PES on PID " + pid + " before PAT/PMT announced it");
      if (pusi) {
        finishPes(pid);
        open.put(pid, new ByteArrayOutputStream());
        openRai.put(pid, new boolean[] {rai});
        openPcr.put(pid, new long[] {pcr});
      }
      open.get(pid).write(b, pos, end - pos);
    }
  }

  private void table(byte[] b, int pos, boolean pusi, int expectedTableId) {
    assertTrue(pusi, "PSI packet starts a section");
    int start = pos + 1 + (b[pos] & 0xFF); // pointer_field
    assertEquals(expectedTableId, b[start] & 0xFF, "table_id");
    int sectionLength = ((b[start + 1] & 0x0F) << 8) | (b[start + 2] & 0xFF);
    assertEquals(0, bitwiseCrc(b, start, 3 + sectionLength), "section CRC checks to zero");
    int body = start + 8;
    int bodyEnd = start + 3 + sectionLength - 4;
    if (expectedTableId == 0) {
      patCount++;
      pmtPid = ((b[body + 2] & 0x1F) << 8) | (b[body + 3] & 0xFF);
    } else {
      pcrPid = ((b[body] & 0x1F) << 8) | (b[body + 1] & 0xFF);
      int infoLength = ((b[body + 2] & 0x0F) << 8) | (b[body + 3] & 0xFF);
      for (int p = body + 4 + infoLength; p < bodyEnd; ) {
        int esPid = ((b[p + 1] & 0x1F) << 8) | (b[p + 2] & 0xFF);
        streamTypes.put(esPid, b[p] & 0xFF);
        p += 5 + (((b[p + 3] & 0x0F) << 8) | (b[p + 4] & 0xFF));
      }
    }
  }

  private void finishPes(int pid) {
    ByteArrayOutputStream buf = open.remove(pid);
    if (buf == null) return;
    byte[] p = buf.toByteArray();
    if (p[0] != 0 || p[1] != 0 || p[2] != 1) fail("PES start code");
    int streamId = p[3] & 0xFF;
    int declared = ((p[4] & 0xFF) << 8) | (p[5] & 0xFF);
    int flags = (p[7] & 0xC0) >> 6;
    int headerDataLength = p[8] & 0xFF;
    long pts = flags >= 2 ? timestamp(p, 9) : -1;
    long dts = flags == 3 ? timestamp(p, 14) : pts;
    int payloadStart = 9 + headerDataLength;
    if (declared != 0) assertEquals(p.length - 6, declared, "PES_packet_length");
    byte[] payload = java.util.Arrays.copyOfRange(p, payloadStart, p.length);
    pes.add(new Pes(pid, streamId, pts, dts, payload, openRai.remove(pid)[0], openPcr.remove(pid)[0]));
  }

  private static long timestamp(byte[] p, int o) {
    assertEquals(1, p[o] & 1, "marker bit");
    return ((long) (p[o] & 0x0E) << 29) | ((p[o + 1] & 0xFF) << 22) | ((p[o + 2] & 0xFE) << 14)
        | ((p[o + 3] & 0xFF) << 7) | ((p[o + 4] & 0xFE) >> 1);
  }

  /** CRC-32/MPEG-2 bit by bit, straight from the polynomial (no table), to check the muxer's table version. */
  public static int bitwiseCrc(byte[] b, int off, int len) {
    int crc = 0xFFFFFFFF;
    for (int i = off; i < off + len; i++) {
      for (int bit = 7; bit >= 0; bit--) {
        boolean in = ((b[i] >> bit) & 1) != 0;
        boolean top = (crc & 0x80000000) != 0;
        crc <<= 1;
        if (in ^ top) crc ^= 0x04C11DB7;
      }
    }
    return crc;
  }
}
