package io.ipchls.device.h264;

import java.util.List;

/**
 * The picture order count of each H.264 access unit in decoding order, ITU-T H.264 §8.2.1, for putting the pictures
 * of a raw elementary stream (which has no timestamps) in presentation order. Frames only (frame_mbs_only_flag 1);
 * pic_order_cnt_type 0 (what encoders with B-frames write, §8.2.1.1) and 2 (output order is decoding order,
 * §8.2.1.3); type 1 and memory_management_control_operation 5 are not followed. Uses the last SPS seen. Not
 * thread-safe.
 */
public final class PicOrderCounter {
  private Sps sps;
  private int prevMsb;
  private int prevLsb;
  private int frameNumPocs;
  private boolean idr;

  /**
   * The PicOrderCnt of the next access unit (TopFieldOrderCnt of a frame), relative to its coded video sequence.
   *
   * @throws IllegalArgumentException for a picture before any SPS, interlaced coding, pic_order_cnt_type 1, or a
   *     slice header that cannot be read
   */
  public int next(List<byte[]> accessUnit) {
    byte[] slice = null;
    for (byte[] nal : accessUnit) {
      int type = NalUnits.type(nal);
      if (type == NalUnits.SPS) sps = Sps.parse(nal);
      if (slice == null && (type == NalUnits.SLICE || type == NalUnits.IDR)) slice = nal;
    }
    if (slice == null) throw new IllegalArgumentException("access unit without a slice");
    if (sps == null) throw new IllegalArgumentException("picture before any SPS");
    if (!sps.frameMbsOnly()) throw new IllegalArgumentException("interlaced H.264 (field coding) is not supported");
    idr = NalUnits.type(slice) == NalUnits.IDR;
    int nalRefIdc = (slice[0] >> 5) & 3;
    if (sps.picOrderCntType() == 2) { // output order = decoding order
      frameNumPocs = idr ? 0 : frameNumPocs + 2;
      return frameNumPocs;
    }
    if (sps.picOrderCntType() != 0) throw new IllegalArgumentException("pic_order_cnt_type 1 is not supported");
    BitReader r = BitReader.fromNal(slice);
    r.ue(); // first_mb_in_slice
    r.ue(); // slice_type
    r.ue(); // pic_parameter_set_id
    if (sps.separateColourPlane()) r.u(2); // colour_plane_id
    r.u(sps.log2MaxFrameNum()); // frame_num
    if (idr) r.ue(); // idr_pic_id
    int lsb = r.u(sps.log2MaxPicOrderCntLsb()); // pic_order_cnt_lsb, §7.3.3
    if (idr) {
      prevMsb = 0;
      prevLsb = 0;
    }
    int maxLsb = 1 << sps.log2MaxPicOrderCntLsb();
    int msb = pocMsb(lsb, prevLsb, prevMsb, maxLsb);
    if (nalRefIdc != 0) { // prevPicOrderCntMsb/Lsb come from the previous reference picture, §8.2.1.1
      prevMsb = msb;
      prevLsb = lsb;
    }
    return msb + lsb;
  }

  /** True if the last access unit began a new coded video sequence (an IDR picture), where the count restarts. */
  public boolean startedSequence() {
    return idr;
  }

  /** PicOrderCntMsb, (8-3) of H.264 and (8-1) of H.265: the lsb wrapped by more than half its range. */
  public static int pocMsb(int lsb, int prevLsb, int prevMsb, int maxLsb) {
    if (lsb < prevLsb && prevLsb - lsb >= maxLsb / 2) return prevMsb + maxLsb;
    if (lsb > prevLsb && lsb - prevLsb > maxLsb / 2) return prevMsb - maxLsb;
    return prevMsb;
  }
}
