package io.ipchls.device.h265;

import io.ipchls.device.h264.BitReader;
import java.util.OptionalDouble;

/**
 * The fields of an H.265 sequence parameter set that a muxer, an {@code hvcC} box (ISO/IEC 14496-15 §8.3.3.1) and a
 * playlist need. Parsed per ITU-T H.265 §7.3.2.2.1, with semantics from §7.4.3.2.1 and the VUI of Annex E.2.1.
 *
 * @param vpsId sps_video_parameter_set_id
 * @param maxSubLayersMinus1 sps_max_sub_layers_minus1 ({@code hvcC} numTemporalLayers is this + 1)
 * @param temporalIdNesting sps_temporal_id_nesting_flag ({@code hvcC} temporalIdNested)
 * @param profileTierLevel the general profile, tier and level
 * @param spsId sps_seq_parameter_set_id
 * @param chromaFormatIdc chroma_format_idc: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4
 * @param separateColourPlane separate_colour_plane_flag
 * @param codedWidth pic_width_in_luma_samples
 * @param codedHeight pic_height_in_luma_samples
 * @param width displayed width: coded width less the conformance window, (7-1) and §7.4.3.2.1
 * @param height displayed height: coded height less the conformance window
 * @param bitDepthLuma BitDepthY, bit_depth_luma_minus8 + 8
 * @param bitDepthChroma BitDepthC, bit_depth_chroma_minus8 + 8
 * @param log2MaxPicOrderCntLsb log2_max_pic_order_cnt_lsb_minus4 + 4
 * @param maxDecPicBuffering sps_max_dec_pic_buffering_minus1 + 1 of the highest sub-layer
 * @param maxNumReorderPics sps_max_num_reorder_pics of the highest sub-layer: how many pictures may precede any
 *     picture in decoding order and follow it in output order (0 without B-frame reordering)
 * @param minSpatialSegmentationIdc min_spatial_segmentation_idc of the VUI bitstream restrictions (0 if absent)
 * @param numUnitsInTick vui_num_units_in_tick (0 if the VUI has no timing information)
 * @param timeScale vui_time_scale (0 if absent)
 */
public record Sps(int vpsId, int maxSubLayersMinus1, boolean temporalIdNesting, ProfileTierLevel profileTierLevel,
    int spsId, int chromaFormatIdc, boolean separateColourPlane, int codedWidth, int codedHeight, int width,
    int height, int bitDepthLuma, int bitDepthChroma, int log2MaxPicOrderCntLsb, int maxDecPicBuffering,
    int maxNumReorderPics, int minSpatialSegmentationIdc, long numUnitsInTick, long timeScale) {
  /** num_short_term_ref_pic_sets is 0..64, §7.4.3.2.1. */
  private static final int MAX_SHORT_TERM_REF_PIC_SETS = 64;

  /** The RFC 6381 codec string, e.g. {@code hvc1.1.6.L93.B0}; see {@link ProfileTierLevel#codecString()}. */
  public String codecString() {
    return profileTierLevel.codecString();
  }

  /**
   * Pictures per second from the VUI timing information, time_scale ÷ num_units_in_tick (E.3.1: one picture per
   * tick when field_seq_flag is 0), or empty when the encoder did not write it.
   */
  public OptionalDouble frameRate() {
    return numUnitsInTick > 0 && timeScale > 0 ? OptionalDouble.of((double) timeScale / numUnitsInTick)
        : OptionalDouble.empty();
  }

  /**
   * Parses an SPS NAL unit (two-byte header included).
   *
   * @throws IllegalArgumentException if it is not an SPS or is truncated or malformed
   */
  public static Sps parse(byte[] nal) {
    if (NalUnits.type(nal) != NalUnits.SPS) throw new IllegalArgumentException("not an H.265 SPS NAL unit");
    BitReader r = new BitReader(BitReader.unescape(nal), NalUnits.HEADER_BYTES);
    int vpsId = r.u(4);
    int maxSubLayersMinus1 = r.u(3);
    if (maxSubLayersMinus1 > 6) throw new IllegalArgumentException("sps_max_sub_layers_minus1 " + maxSubLayersMinus1);
    boolean temporalIdNesting = r.flag();
    ProfileTierLevel ptl = ProfileTierLevel.read(r, maxSubLayersMinus1);
    int spsId = r.ue();
    if (spsId > 15) throw new IllegalArgumentException("sps_seq_parameter_set_id " + spsId);
    int chromaFormatIdc = r.ue();
    if (chromaFormatIdc > 3) throw new IllegalArgumentException("chroma_format_idc " + chromaFormatIdc);
    boolean separateColourPlane = chromaFormatIdc == 3 && r.flag();
    int codedWidth = r.ue();
    int codedHeight = r.ue();
    int width = codedWidth;
    int height = codedHeight;
    if (r.flag()) { // conformance_window_flag
      int left = r.ue();
      int right = r.ue();
      int top = r.ue();
      int bottom = r.ue();
      // SubWidthC/SubHeightC from Table 6-1 (1 when ChromaArrayType is 0), offsets in chroma units, §7.4.3.2.1
      int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
      int subWidthC = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
      int subHeightC = chromaArrayType == 1 ? 2 : 1;
      width -= subWidthC * (left + right);
      height -= subHeightC * (top + bottom);
    }
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("conformance window leaves no picture");
    int bitDepthLuma = r.ue() + 8;
    int bitDepthChroma = r.ue() + 8;
    if (bitDepthLuma > 16 || bitDepthChroma > 16) throw new IllegalArgumentException("bit depth above 16");
    int log2MaxPocLsb = r.ue() + 4;
    if (log2MaxPocLsb > 16) throw new IllegalArgumentException("log2_max_pic_order_cnt_lsb_minus4 above 12");
    boolean subLayerOrderingInfo = r.flag();
    int maxDecPicBuffering = 0;
    int maxNumReorder = 0;
    for (int i = subLayerOrderingInfo ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
      maxDecPicBuffering = r.ue() + 1; // the last iteration is the highest sub-layer, HighestTid
      maxNumReorder = r.ue();
      r.ue(); // sps_max_latency_increase_plus1
    }
    r.ue(); // log2_min_luma_coding_block_size_minus3
    r.ue(); // log2_diff_max_min_luma_coding_block_size
    r.ue(); // log2_min_luma_transform_block_size_minus2
    r.ue(); // log2_diff_max_min_luma_transform_block_size
    r.ue(); // max_transform_hierarchy_depth_inter
    r.ue(); // max_transform_hierarchy_depth_intra
    if (r.flag() && r.flag()) skipScalingListData(r); // scaling_list_enabled_flag, sps_scaling_list_data_present_flag
    r.flag(); // amp_enabled_flag
    r.flag(); // sample_adaptive_offset_enabled_flag
    if (r.flag()) { // pcm_enabled_flag
      r.u(4); // pcm_sample_bit_depth_luma_minus1
      r.u(4); // pcm_sample_bit_depth_chroma_minus1
      r.ue(); // log2_min_pcm_luma_coding_block_size_minus3
      r.ue(); // log2_diff_max_min_pcm_luma_coding_block_size
      r.flag(); // pcm_loop_filter_disabled_flag
    }
    int numShortTermRefPicSets = r.ue();
    if (numShortTermRefPicSets > MAX_SHORT_TERM_REF_PIC_SETS) {
      throw new IllegalArgumentException("num_short_term_ref_pic_sets " + numShortTermRefPicSets);
    }
    ShortTermRefPicSets.skip(r, numShortTermRefPicSets);
    if (r.flag()) { // long_term_ref_pics_present_flag
      int count = r.ue(); // num_long_term_ref_pics_sps, 0..32
      if (count > 32) throw new IllegalArgumentException("num_long_term_ref_pics_sps " + count);
      for (int i = 0; i < count; i++) r.skip(log2MaxPocLsb + 1); // lt_ref_pic_poc_lsb_sps u(v), used_by_curr_pic_lt
    }
    r.flag(); // sps_temporal_mvp_enabled_flag
    r.flag(); // strong_intra_smoothing_enabled_flag
    Vui vui = r.flag() ? Vui.read(r, maxSubLayersMinus1) : Vui.ABSENT; // vui_parameters_present_flag
    return new Sps(vpsId, maxSubLayersMinus1, temporalIdNesting, ptl, spsId, chromaFormatIdc, separateColourPlane,
        codedWidth, codedHeight, width, height, bitDepthLuma, bitDepthChroma, log2MaxPocLsb, maxDecPicBuffering,
        maxNumReorder, vui.minSpatialSegmentationIdc(), vui.numUnitsInTick(), vui.timeScale());
  }

  /** Skips scaling_list_data(), §7.3.4. */
  private static void skipScalingListData(BitReader r) {
    for (int sizeId = 0; sizeId < 4; sizeId++) {
      for (int matrixId = 0; matrixId < 6; matrixId += sizeId == 3 ? 3 : 1) {
        if (!r.flag()) { // scaling_list_pred_mode_flag
          r.ue(); // scaling_list_pred_matrix_id_delta
          continue;
        }
        int coefNum = Math.min(64, 1 << (4 + (sizeId << 1)));
        if (sizeId > 1) r.se(); // scaling_list_dc_coef_minus8
        for (int i = 0; i < coefNum; i++) r.se(); // scaling_list_delta_coef
      }
    }
  }
}
