package io.ipchls.device.h264;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups a stream of NAL units into access units (one coded picture each), ITU-T H.264 §7.4.1.2.3: after a picture's
 * slices, an access unit delimiter, SPS, PPS, SEI or NAL types 14..18 start the next access unit, and so does a
 * slice whose first_mb_in_slice is 0. Not thread-safe.
 */
public final class AccessUnitSplitter {
  private List<byte[]> current = new ArrayList<>();
  private boolean sawSlice;

  /** Adds the next NAL unit; returns the access unit it completed, or null. */
  public List<byte[]> add(byte[] nal) {
    int type = NalUnits.type(nal);
    boolean vcl = type == NalUnits.SLICE || type == NalUnits.IDR || type == 2;
    boolean startsNext = sawSlice && (vcl ? firstMbIsZero(nal) : startsAccessUnit(type));
    List<byte[]> done = null;
    if (startsNext) {
      done = current;
      current = new ArrayList<>();
      sawSlice = false;
    }
    current.add(nal);
    if (vcl) sawSlice = true;
    return done;
  }

  /** The last access unit, if it has a picture. */
  public List<byte[]> flush() {
    List<byte[]> done = sawSlice ? current : null;
    current = new ArrayList<>();
    sawSlice = false;
    return done;
  }

  private static boolean startsAccessUnit(int type) {
    return type == NalUnits.AUD || type == NalUnits.SPS || type == NalUnits.PPS || type == NalUnits.SEI
        || (type >= 14 && type <= 18);
  }

  /** first_mb_in_slice is ue(v) first in the slice header: a leading 1 bit codes 0 (§9.1). */
  private static boolean firstMbIsZero(byte[] nal) {
    return nal.length > 1 && (nal[1] & 0x80) != 0;
  }
}
