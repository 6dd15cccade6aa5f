package io.ipchls.device.h264;

/**
 * The parts of an H.264 vui_parameters() an SPS record keeps, ITU-T H.264 Annex E.1.1; the rest is read past.
 *
 * @param numUnitsInTick num_units_in_tick (0 when timing_info_present_flag is 0)
 * @param timeScale time_scale (0 when absent)
 * @param maxNumReorderFrames max_num_reorder_frames, or the caller's inferred value when absent
 */
record Vui(long numUnitsInTick, long timeScale, int maxNumReorderFrames) {
  /** aspect_ratio_idc meaning sar_width and sar_height follow, Table E-1. */
  private static final int EXTENDED_SAR = 255;

  static Vui read(BitReader r, int inferredReorder) {
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
    long numUnitsInTick = 0;
    long timeScale = 0;
    if (r.flag()) { // timing_info_present_flag
      numUnitsInTick = r.uLong(32);
      timeScale = r.uLong(32);
      r.flag(); // fixed_frame_rate_flag
    }
    boolean nalHrd = r.flag(); // nal_hrd_parameters_present_flag
    if (nalHrd) skipHrd(r);
    boolean vclHrd = r.flag(); // vcl_hrd_parameters_present_flag
    if (vclHrd) skipHrd(r);
    if (nalHrd || vclHrd) r.flag(); // low_delay_hrd_flag
    r.flag(); // pic_struct_present_flag
    int reorder = inferredReorder;
    if (r.flag()) { // bitstream_restriction_flag
      r.flag(); // motion_vectors_over_pic_boundaries_flag
      r.ue(); // max_bytes_per_pic_denom
      r.ue(); // max_bits_per_mb_denom
      r.ue(); // log2_max_mv_length_horizontal
      r.ue(); // log2_max_mv_length_vertical
      reorder = r.ue(); // max_num_reorder_frames
      r.ue(); // max_dec_frame_buffering
      if (reorder > 16) throw new IllegalArgumentException("max_num_reorder_frames " + reorder + " above 16");
    }
    return new Vui(numUnitsInTick, timeScale, reorder);
  }

  /** Skips hrd_parameters(), Annex E.1.2. */
  private static void skipHrd(BitReader r) {
    int cpbCnt = r.ue() + 1; // cpb_cnt_minus1
    if (cpbCnt > 32) throw new IllegalArgumentException("cpb_cnt_minus1 above 31");
    r.skip(4 + 4); // bit_rate_scale, cpb_size_scale
    for (int i = 0; i < cpbCnt; i++) {
      r.ue(); // bit_rate_value_minus1
      r.ue(); // cpb_size_value_minus1
      r.flag(); // cbr_flag
    }
    r.skip(5 + 5 + 5 + 5); // initial_cpb_removal_delay_length_minus1 .. time_offset_length
  }
}
