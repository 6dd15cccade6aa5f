package io.ipchls.device.h265;

import io.ipchls.device.h264.BitReader;

/**
 * The parts of vui_parameters() an SPS record keeps, ITU-T H.265 Annex E.2.1; everything else is read past.
 *
 * @param numUnitsInTick vui_num_units_in_tick (0 when vui_timing_info_present_flag is 0)
 * @param timeScale vui_time_scale (0 when absent)
 * @param minSpatialSegmentationIdc min_spatial_segmentation_idc (0, its inferred value, when absent)
 */
record Vui(long numUnitsInTick, long timeScale, int minSpatialSegmentationIdc) {
  static final Vui ABSENT = new Vui(0, 0, 0);
  /** aspect_ratio_idc value meaning an explicit sar_width and sar_height follow, Table E.1. */
  private static final int EXTENDED_SAR = 255;

  static Vui read(BitReader r, int maxSubLayersMinus1) {
    if (r.flag() && r.u(8) == EXTENDED_SAR) r.skip(32); // aspect_ratio_info_present_flag, idc; sar_width, sar_height
    if (r.flag()) r.flag(); // overscan_info_present_flag, overscan_appropriate_flag
    if (r.flag()) { // video_signal_type_present_flag
      r.skip(4); // video_format, video_full_range_flag
      if (r.flag()) r.skip(24); // colour_description_present_flag; primaries, transfer, matrix
    }
    if (r.flag()) { // chroma_loc_info_present_flag
      r.ue(); // chroma_sample_loc_type_top_field
      r.ue(); // chroma_sample_loc_type_bottom_field
    }
    r.skip(3); // neutral_chroma_indication_flag, field_seq_flag, frame_field_info_present_flag
    if (r.flag()) { // default_display_window_flag
      for (int i = 0; i < 4; i++) r.ue(); // def_disp_win_*_offset
    }
    long numUnitsInTick = 0;
    long timeScale = 0;
    if (r.flag()) { // vui_timing_info_present_flag
      numUnitsInTick = r.uLong(32);
      timeScale = r.uLong(32);
      if (r.flag()) r.ue(); // vui_poc_proportional_to_timing_flag, vui_num_ticks_poc_diff_one_minus1
      if (r.flag()) skipHrdParameters(r, maxSubLayersMinus1); // vui_hrd_parameters_present_flag
    }
    int minSpatialSegmentation = 0;
    if (r.flag()) { // bitstream_restriction_flag
      r.skip(3); // tiles_fixed_structure, motion_vectors_over_pic_boundaries, restricted_ref_pic_lists
      minSpatialSegmentation = r.ue();
      if (minSpatialSegmentation > 4095) throw new IllegalArgumentException("min_spatial_segmentation_idc too large");
    }
    return new Vui(numUnitsInTick, timeScale, minSpatialSegmentation);
  }

  /** Skips hrd_parameters(1, maxNumSubLayersMinus1), Annex E.2.2. */
  private static void skipHrdParameters(BitReader r, int maxNumSubLayersMinus1) {
    boolean nalHrd = r.flag(); // nal_hrd_parameters_present_flag
    boolean vclHrd = r.flag(); // vcl_hrd_parameters_present_flag
    boolean subPicHrd = false;
    if (nalHrd || vclHrd) {
      subPicHrd = r.flag(); // sub_pic_hrd_params_present_flag
      if (subPicHrd) r.skip(8 + 5 + 1 + 5); // tick_divisor_minus2 .. dpb_output_delay_du_length_minus1
      r.skip(4 + 4); // bit_rate_scale, cpb_size_scale
      if (subPicHrd) r.skip(4); // cpb_size_du_scale
      r.skip(5 + 5 + 5); // initial_cpb_removal_delay_length_minus1, au_cpb_..., dpb_output_delay_length_minus1
    }
    for (int i = 0; i <= maxNumSubLayersMinus1; i++) {
      boolean fixedGeneral = r.flag(); // fixed_pic_rate_general_flag[i]
      boolean fixedWithinCvs = fixedGeneral || r.flag(); // fixed_pic_rate_within_cvs_flag[i], inferred 1
      boolean lowDelay = false;
      if (fixedWithinCvs) {
        r.ue(); // elemental_duration_in_tc_minus1[i]
      } else {
        lowDelay = r.flag(); // low_delay_hrd_flag[i]
      }
      int cpbCnt = lowDelay ? 1 : r.ue() + 1; // cpb_cnt_minus1[i], inferred 0 when low delay
      if (cpbCnt > 32) throw new IllegalArgumentException("cpb_cnt_minus1 above 31");
      if (nalHrd) skipSubLayerHrd(r, cpbCnt, subPicHrd);
      if (vclHrd) skipSubLayerHrd(r, cpbCnt, subPicHrd);
    }
  }

  /** Skips sub_layer_hrd_parameters(), Annex E.2.3. */
  private static void skipSubLayerHrd(BitReader r, int cpbCnt, boolean subPicHrd) {
    for (int i = 0; i < cpbCnt; i++) {
      r.ue(); // bit_rate_value_minus1
      r.ue(); // cpb_size_value_minus1
      if (subPicHrd) {
        r.ue(); // cpb_size_du_value_minus1
        r.ue(); // bit_rate_du_value_minus1
      }
      r.flag(); // cbr_flag
    }
  }
}
