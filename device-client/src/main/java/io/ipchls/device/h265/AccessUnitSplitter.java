package io.ipchls.device.h265;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups a stream of H.265 NAL units into access units (one coded picture each), ITU-T H.265 §7.4.2.4.4: after a
 * picture's slice segments, an access unit delimiter, VPS, SPS, PPS, prefix SEI, NAL types 41..44 or 48..55 start
 * the next access unit, and so does a slice segment with first_slice_segment_in_pic_flag set. Suffix SEI, end of
 * sequence and end of bitstream NAL units stay with the picture before them. Not thread-safe.
 */
public final class AccessUnitSplitter {
  private List<byte[]> current = new ArrayList<>();
  private boolean sawSlice;

  /** Adds the next NAL unit; returns the access unit it completed, or null. */
  public List<byte[]> add(byte[] nal) {
    int type = NalUnits.type(nal);
    boolean vcl = NalUnits.isVcl(type);
    boolean startsNext = sawSlice && (vcl ? firstSliceSegmentInPic(nal) : startsAccessUnit(type));
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
    return type == NalUnits.AUD || type == NalUnits.VPS || type == NalUnits.SPS || type == NalUnits.PPS
        || type == NalUnits.PREFIX_SEI || (type >= 41 && type <= 44) || (type >= 48 && type <= 55);
  }

  /** first_slice_segment_in_pic_flag: the first bit of slice_segment_header(), after the NAL header (§7.3.6.1). */
  private static boolean firstSliceSegmentInPic(byte[] nal) {
    return nal.length > NalUnits.HEADER_BYTES && (nal[NalUnits.HEADER_BYTES] & 0x80) != 0;
  }
}
