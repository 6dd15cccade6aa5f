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

  record Result(int videoPid, int streamType, List<Integer> firstAccessUnitNalTypes, int packets) {}

  static Result probe(byte[] ts) {
    if (ts.length == 0 || ts.length % 188 != 0) throw new AssertionError("length " + ts.length + " not n*188");
    int pmtPid = -1;
    int videoPid = -1;
    int streamType = -1;
    ByteArrayOutputStream pes = null;
    boolean done = false;
    for (int off = 0; off < ts.length && !done; off += 188) {
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
          if (pes != null) {
            done = true;
            continue;
          }
          pes = new ByteArrayOutputStream();
        }
        if (pes != null) pes.write(ts, p, off + 188 - p);
      }
    }
    if (pes == null) throw new AssertionError("no video PES found (pmt pid " + pmtPid + ", video pid " + videoPid + ")");
    byte[] b = pes.toByteArray();
    if (b[0] != 0 || b[1] != 0 || b[2] != 1) throw new AssertionError("PES start code missing");
    int payload = 9 + (b[8] & 0xff);
    return new Result(videoPid, streamType, nalTypes(b, payload), ts.length / 188);
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
