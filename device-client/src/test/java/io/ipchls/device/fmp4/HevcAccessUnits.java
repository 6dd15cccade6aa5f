package io.ipchls.device.fmp4;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups H.265 NAL units into access units for the tests, ITU-T H.265 §7.4.2.4.4: after a picture's slices, a VPS,
 * SPS, PPS, AUD, prefix SEI or NAL types 41..44 and 48..55 start the next access unit, and so does a slice segment
 * with first_slice_segment_in_pic_flag set (the first bit after the 2-byte header).
 */
final class HevcAccessUnits {
  private HevcAccessUnits() {}

  static List<List<byte[]>> split(List<byte[]> nals) {
    List<List<byte[]>> units = new ArrayList<>();
    List<byte[]> current = new ArrayList<>();
    boolean sawSlice = false;
    for (byte[] nal : nals) {
      int type = (nal[0] >> 1) & 0x3F;
      boolean vcl = type < 32;
      boolean startsNext = vcl ? (nal[2] & 0x80) != 0 : (type >= 32 && type <= 35) || type == 39
          || (type >= 41 && type <= 44) || (type >= 48 && type <= 55);
      if (sawSlice && startsNext) {
        units.add(current);
        current = new ArrayList<>();
        sawSlice = false;
      }
      current.add(nal);
      if (vcl) sawSlice = true;
    }
    if (sawSlice) units.add(current);
    return units;
  }
}
