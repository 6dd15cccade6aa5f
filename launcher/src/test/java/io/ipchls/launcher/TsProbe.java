package io.ipchls.launcher;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-side reader of MPEG-TS, written apart from the device-client muxer so it checks it independently: finds the
 * video PID through PAT and PMT, reassembles the first video PES and lists the H.264 NAL unit types in it.
 */
final class TsProbe {
  private TsProbe() {}

  /** PTS values are in 90 kHz units, in stream order. */
  record Result(int videoPid, int streamType, List<Integer> firstAccessUnitNalTypes, List<Long> pts, int packets) {
    long firstPts() {
      return pts.get(0);
    }

    long lastPts() {
      return pts.stream().mapToLong(Long::longValue).max().orElseThrow();
    }
  }

  static Result probe(byte[] ts) {
    if (ts.length == 0 || ts.length % 188 != 0) throw new AssertionError("length " + ts.length + " not n*188");
    int pmtPid = -1;
    int videoPid = -1;
    int streamType = -1;
    ByteArrayOutputStream pes = null;
    boolean firstDone = false;
    List<Long> pts = new ArrayList<>();
    for (int off = 0; off < ts.length; off += 188) {
      if ((ts[off] & 0xff) != 0x47) throw new AssertionError("lost sync at " + off);
      boolean pusi = (ts[off + 1] & 0x40) != 0;
      int pid = ((ts[off + 1] & 0x1f) << 8) | (ts[off + 2] & 0xff);
      int afc = (ts[off + 3] >> 4) & 3;
      int p = off + 4;
      if (afc == 2 || afc == 3) p += 1 + (ts[p] & 0xff);
      if (afc == 2) continue;
      if (pid == 0 && pusi) {
        p += 1 + (ts[p] & 0xff); // pointer field
        pmtPid = ((ts[p + 10] & 0x1f) << 8) | (ts[p + 11] & 0xff); // first program after 8-byte header
      } else if (pid == pmtPid && pusi && videoPid < 0) {
        p += 1 + (ts[p] & 0xff);
        int sectionEnd = p + 3 + (((ts[p + 1] & 0x0f) << 8) | (ts[p + 2] & 0xff)) - 4;
        int infoLen = ((ts[p + 10] & 0x0f) << 8) | (ts[p + 11] & 0xff);
        int e = p + 12 + infoLen;
        while (e < sectionEnd) {
          int type = ts[e] & 0xff;
          int epid = ((ts[e + 1] & 0x1f) << 8) | (ts[e + 2] & 0xff);
          if (type == 0x1b && videoPid < 0) {
            videoPid = epid;
            streamType = type;
          }
          e += 5 + (((ts[e + 3] & 0x0f) << 8) | (ts[e + 4] & 0xff));
        }
      } else if (pid == videoPid && videoPid >= 0) {
        if (pusi) {
          pts.add(pts(ts, p));
          if (pes != null) firstDone = true;
          else pes = new ByteArrayOutputStream();
        }
        if (pes != null && !firstDone) pes.write(ts, p, off + 188 - p);
      }
    }
    if (pes == null) throw new AssertionError("no video PES found (pmt pid " + pmtPid + ", video pid " + videoPid + ")");
    byte[] b = pes.toByteArray();
    if (b[0] != 0 || b[1] != 0 || b[2] != 1) throw new AssertionError("PES start code missing");
    int payload = 9 + (b[8] & 0xff);
    return new Result(videoPid, streamType, nalTypes(b, payload), pts, ts.length / 188);
  }

  /** PTS of the PES header at {@code p} (ISO/IEC 13818-1 §2.4.3.7: 33 bits in 5 bytes with marker bits). */
  private static long pts(byte[] b, int p) {
    if (b[p] != 0 || b[p + 1] != 0 || b[p + 2] != 1) throw new AssertionError("PES start code missing");
    if ((b[p + 7] & 0x80) == 0) throw new AssertionError("video PES without PTS");
    int q = p + 9;
    return ((long) (b[q] & 0x0e) << 29) | ((b[q + 1] & 0xff) << 22) | ((b[q + 2] & 0xfe) << 14)
        | ((b[q + 3] & 0xff) << 7) | ((b[q + 4] & 0xfe) >> 1);
  }

  private static List<Integer> nalTypes(byte[] b, int from) {
    List<Integer> types = new ArrayList<>();
    for (int i = from; i + 3 < b.length; i++) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
        types.add(b[i + 3] & 0x1f);
        i += 3;
      }
    }
    return types;
  }
}
