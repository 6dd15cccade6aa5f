package io.ipchls.device.h265;

import io.ipchls.device.h264.BitReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The picture order count of each H.265 access unit in decoding order, ITU-T H.265 §8.3.1, for putting the pictures
 * of a raw elementary stream (which has no timestamps) in presentation order. Reads the slice_pic_order_cnt_lsb of
 * the first slice segment (§7.3.6.1) with the fields of its PPS and SPS. Not thread-safe.
 */
public final class PicOrderCounter {
  /** What a slice header needs from a PPS, §7.3.2.3.1. */
  private record Pps(int spsId, boolean dependentSliceSegments, boolean outputFlagPresent, int extraSliceHeaderBits) {}

  private final Map<Integer, Sps> spss = new HashMap<>();
  private final Map<Integer, Pps> ppss = new HashMap<>();
  private boolean first = true;
  private boolean afterEndOfSequence;
  private boolean startedSequence;
  private int prevTid0Lsb;
  private int prevTid0Msb;

  /**
   * The PicOrderCntVal of the next access unit.
   *
   * @throws IllegalArgumentException for a picture whose PPS or SPS was not seen, or an unreadable header
   */
  public int next(List<byte[]> accessUnit) {
    byte[] slice = null;
    boolean endOfSequence = false;
    for (byte[] nal : accessUnit) {
      int type = NalUnits.type(nal);
      if (type == NalUnits.SPS) {
        Sps sps = Sps.parse(nal);
        spss.put(sps.spsId(), sps);
      } else if (type == NalUnits.PPS) {
        BitReader r = new BitReader(BitReader.unescape(nal), NalUnits.HEADER_BYTES);
        int ppsId = r.ue(); // pps_pic_parameter_set_id
        int spsId = r.ue(); // pps_seq_parameter_set_id
        ppss.put(ppsId, new Pps(spsId, r.flag(), r.flag(), r.u(3)));
      } else if (type == NalUnits.EOS) {
        endOfSequence = true;
      } else if (slice == null && NalUnits.isVcl(type)) {
        slice = nal;
      }
    }
    if (slice == null) throw new IllegalArgumentException("access unit without a slice segment");
    int type = NalUnits.type(slice);
    BitReader r = new BitReader(BitReader.unescape(slice), NalUnits.HEADER_BYTES);
    r.flag(); // first_slice_segment_in_pic_flag
    if (NalUnits.isIrap(type)) r.flag(); // no_output_of_prior_pics_flag
    Pps pps = ppss.get(r.ue()); // slice_pic_parameter_set_id
    Sps sps = pps == null ? null : spss.get(pps.spsId());
    if (sps == null) throw new IllegalArgumentException("picture whose PPS or SPS was not given before it");
    boolean idr = type == NalUnits.IDR_W_RADL || type == NalUnits.IDR_N_LP;
    // NoRaslOutputFlag: IDR, BLA, the first picture, or the first after an end of sequence (§8.1.3)
    startedSequence = NalUnits.isIrap(type) && (idr || type <= NalUnits.BLA_N_LP || first || afterEndOfSequence);
    int lsb = 0;
    if (!idr) {
      r.skip(pps.extraSliceHeaderBits()); // slice_reserved_flag[i]; the first segment is never dependent
      r.ue(); // slice_type
      if (pps.outputFlagPresent()) r.flag(); // pic_output_flag
      if (sps.separateColourPlane()) r.u(2); // colour_plane_id
      lsb = r.u(sps.log2MaxPicOrderCntLsb()); // slice_pic_order_cnt_lsb
    }
    int msb = startedSequence ? 0 : io.ipchls.device.h264.PicOrderCounter.pocMsb(lsb, prevTid0Lsb, prevTid0Msb,
        1 << sps.log2MaxPicOrderCntLsb());
    int temporalId = (slice[1] & 0x07) - 1;
    boolean subLayerNonReference = type <= 14 && type % 2 == 0;
    boolean leading = type >= 6 && type <= 9; // RADL_N, RADL_R, RASL_N, RASL_R
    if (temporalId == 0 && !leading && !subLayerNonReference) { // prevTid0Pic, §8.3.1
      prevTid0Lsb = lsb;
      prevTid0Msb = msb;
    }
    first = false;
    afterEndOfSequence = endOfSequence;
    return msb + lsb;
  }

  /** True if the last access unit began a new coded video sequence (an IRAP picture with NoRaslOutputFlag 1). */
  public boolean startedSequence() {
    return startedSequence;
  }
}
