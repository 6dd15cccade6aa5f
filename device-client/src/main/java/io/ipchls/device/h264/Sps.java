package io.ipchls.device.h264;

import java.util.Set;

/**
 * The fields of a sequence parameter set that a muxer and a playlist need: profile, level, the displayed picture
 * size after frame cropping, and from the VUI (Annex E.1.1) the timing and the reorder depth. Parsed per ITU-T H.264
 * §7.3.2.1.1 with semantics from §7.4.2.1.1 and E.2.1.
 *
 * @param maxNumReorderFrames max_num_reorder_frames from the VUI bitstream restrictions; when absent, 0 for the
 *     Baseline profile (no B slices) and otherwise the inferred value of E.2.1, MaxDpbFrames (A.3.1, Table A-1)
 * @param numUnitsInTick num_units_in_tick (0 without timing information)
 * @param timeScale time_scale (0 without timing information)
 * @param separateColourPlane separate_colour_plane_flag
 * @param log2MaxFrameNum log2_max_frame_num_minus4 + 4
 * @param picOrderCntType pic_order_cnt_type (0..2)
 * @param log2MaxPicOrderCntLsb log2_max_pic_order_cnt_lsb_minus4 + 4 (0 unless pic_order_cnt_type is 0)
 * @param frameMbsOnly frame_mbs_only_flag: false for interlaced coding
 */
public record Sps(int profileIdc, int constraintFlags, int levelIdc, int chromaFormatIdc, int width, int height,
    int maxNumReorderFrames, long numUnitsInTick, long timeScale, boolean separateColourPlane, int log2MaxFrameNum,
    int picOrderCntType, int log2MaxPicOrderCntLsb, boolean frameMbsOnly) {
  /** Profiles whose SPS carries chroma_format_idc, bit depths and scaling lists (the "if" in §7.3.2.1.1). */
  /** profile_idc of the Baseline profile (A.2.1), which has no B slices. */
  private static final int BASELINE = 66;
  private static final Set<Integer> HIGH_PROFILES = Set.of(100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135);

  /** Frames per second from the VUI timing, time_scale ÷ (2 × num_units_in_tick) (E.2.1), or 0 when absent. */
  public double frameRate() {
    return numUnitsInTick > 0 && timeScale > 0 ? timeScale / (2.0 * numUnitsInTick) : 0;
  }

  /** The RFC 6381 codec string, e.g. {@code avc1.42c01e}, from profile_idc, the constraint flags and level_idc. */
  public String codecString() {
    return String.format("avc1.%02x%02x%02x", profileIdc, constraintFlags, levelIdc);
  }

  /**
   * Parses an SPS NAL unit (header byte included).
   *
   * @throws IllegalArgumentException if it is not an SPS or is truncated/malformed
   */
  public static Sps parse(byte[] nal) {
    if (NalUnits.type(nal) != NalUnits.SPS) throw new IllegalArgumentException("not an SPS NAL unit");
    BitReader r = BitReader.fromNal(nal);
    int profileIdc = r.u(8);
    int constraintFlags = r.u(8); // constraint_set0..5_flag + reserved_zero_2bits
    int levelIdc = r.u(8);
    r.ue(); // seq_parameter_set_id
    int chromaFormatIdc = 1; // inferred 4:2:0 when absent, §7.4.2.1.1
    boolean separateColourPlane = false;
    if (HIGH_PROFILES.contains(profileIdc)) {
      chromaFormatIdc = r.ue();
      if (chromaFormatIdc > 3) throw new IllegalArgumentException("chroma_format_idc " + chromaFormatIdc);
      if (chromaFormatIdc == 3) separateColourPlane = r.flag();
      r.ue(); // bit_depth_luma_minus8
      r.ue(); // bit_depth_chroma_minus8
      r.flag(); // qpprime_y_zero_transform_bypass_flag
      if (r.flag()) skipScalingLists(r, chromaFormatIdc != 3 ? 8 : 12); // seq_scaling_matrix_present_flag
    }
    int log2MaxFrameNum = r.ue() + 4; // log2_max_frame_num_minus4
    if (log2MaxFrameNum > 16) throw new IllegalArgumentException("log2_max_frame_num_minus4 above 12");
    int picOrderCntType = r.ue();
    if (picOrderCntType > 2) throw new IllegalArgumentException("pic_order_cnt_type " + picOrderCntType);
    int log2MaxPocLsb = 0;
    if (picOrderCntType == 0) {
      log2MaxPocLsb = r.ue() + 4; // log2_max_pic_order_cnt_lsb_minus4
      if (log2MaxPocLsb > 16) throw new IllegalArgumentException("log2_max_pic_order_cnt_lsb_minus4 above 12");
    } else if (picOrderCntType == 1) {
      r.flag(); // delta_pic_order_always_zero_flag
      r.se(); // offset_for_non_ref_pic
      r.se(); // offset_for_top_to_bottom_field
      int cycle = r.ue(); // num_ref_frames_in_pic_order_cnt_cycle
      for (int i = 0; i < cycle; i++) r.se(); // offset_for_ref_frame[i]
    }
    r.ue(); // max_num_ref_frames
    r.flag(); // gaps_in_frame_num_value_allowed_flag
    int widthInMbs = r.ue() + 1; // pic_width_in_mbs_minus1
    int heightInMapUnits = r.ue() + 1; // pic_height_in_map_units_minus1
    boolean frameMbsOnly = r.flag();
    if (!frameMbsOnly) r.flag(); // mb_adaptive_frame_field_flag
    r.flag(); // direct_8x8_inference_flag
    int frameHeightInMbs = (frameMbsOnly ? 1 : 2) * heightInMapUnits; // (7-18)
    int width = widthInMbs * 16;
    int height = frameHeightInMbs * 16;
    if (r.flag()) { // frame_cropping_flag
      int left = r.ue();
      int right = r.ue();
      int top = r.ue();
      int bottom = r.ue();
      // CropUnitX/CropUnitY, (7-19)..(7-22); ChromaArrayType is 0 for monochrome or separate colour planes.
      int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
      int subWidthC = chromaFormatIdc == 3 ? 1 : 2; // Table 6-1
      int subHeightC = chromaFormatIdc == 1 ? 2 : 1;
      int cropUnitX = chromaArrayType == 0 ? 1 : subWidthC;
      int cropUnitY = (chromaArrayType == 0 ? 1 : subHeightC) * (frameMbsOnly ? 1 : 2);
      width -= cropUnitX * (left + right);
      height -= cropUnitY * (top + bottom);
    }
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("cropping leaves no picture");
    int frameSizeInMbs = widthInMbs * frameHeightInMbs;
    int inferredReorder = profileIdc == BASELINE ? 0
        : Math.max(1, Math.min(16, maxDpbMbs(levelIdc, constraintFlags) / frameSizeInMbs)); // MaxDpbFrames, A.3.1
    Vui vui = new Vui(0, 0, inferredReorder);
    try {
      if (r.flag()) vui = Vui.read(r, inferredReorder); // vui_parameters_present_flag
    } catch (IllegalArgumentException e) {
      // a VUI cut short or malformed: the picture size above is still right, and what the VUI would add is optional
    }
    return new Sps(profileIdc, constraintFlags, levelIdc, chromaFormatIdc, width, height, vui.maxNumReorderFrames(),
        vui.numUnitsInTick(), vui.timeScale(), separateColourPlane, log2MaxFrameNum, picOrderCntType, log2MaxPocLsb,
        frameMbsOnly);
  }

  /** MaxDpbMbs of Table A-1 by level_idc; level 1b is level_idc 9, or 11 with constraint_set3_flag (A.3.1). */
  private static int maxDpbMbs(int levelIdc, int constraintFlags) {
    boolean level1b = levelIdc == 9 || (levelIdc == 11 && (constraintFlags & 0x10) != 0);
    if (level1b || levelIdc <= 10) return 396;
    if (levelIdc <= 11) return 900;
    if (levelIdc <= 20) return 2_376;
    if (levelIdc <= 21) return 4_752;
    if (levelIdc <= 30) return 8_100;
    if (levelIdc <= 31) return 18_000;
    if (levelIdc <= 32) return 20_480;
    if (levelIdc <= 41) return 32_768;
    if (levelIdc <= 42) return 34_816;
    if (levelIdc <= 50) return 110_400;
    if (levelIdc <= 52) return 184_320;
    return 696_320;
  }

  /** Skips seq_scaling_list_present_flag[i] and scaling_list() syntax, §7.3.2.1.1 and §7.3.2.1.1.1. */
  private static void skipScalingLists(BitReader r, int count) {
    for (int i = 0; i < count; i++) {
      if (!r.flag()) continue;
      int size = i < 6 ? 16 : 64;
      int lastScale = 8;
      int nextScale = 8;
      for (int j = 0; j < size; j++) {
        if (nextScale != 0) {
          int deltaScale = r.se();
          nextScale = (lastScale + deltaScale + 256) % 256;
        }
        lastScale = nextScale == 0 ? lastScale : nextScale;
      }
    }
  }
}
