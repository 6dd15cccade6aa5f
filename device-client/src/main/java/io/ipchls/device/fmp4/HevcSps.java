package io.ipchls.device.fmp4;

/**
 * The fields of an H.265 sequence parameter set that the hvcC box and the codecs string need (ITU-T H.265 §7.3.2.2.1
 * seq_parameter_set_rbsp up to bit_depth_chroma_minus8, with §7.3.3 profile_tier_level): read here because the
 * H.264 package has no H.265 parser yet; to be replaced by the SDK's H.265 SPS parser once it exists.
 */
record HevcSps(int profileSpace, boolean tier, int profileIdc, int compatibilityFlags, long constraintFlags,
    int levelIdc, int maxSubLayers, boolean temporalIdNesting, int chromaFormatIdc, int bitDepthLuma,
    int bitDepthChroma, int width, int height) {
  /** nal_unit_type of an SPS, Table 7-1. */
  static final int SPS = 33;

  static HevcSps parse(byte[] nal) {
    if (nal.length < 3 || ((nal[0] >> 1) & 0x3F) != SPS) throw new IllegalArgumentException("not an H.265 SPS");
    Bits r = new Bits(nal, 2);
    r.skip(4); // sps_video_parameter_set_id
    int maxSubLayersMinus1 = r.u(3);
    boolean temporalIdNesting = r.flag();
    // profile_tier_level(1, sps_max_sub_layers_minus1), §7.3.3
    int profileSpace = r.u(2);
    boolean tier = r.flag();
    int profileIdc = r.u(5);
    int compatibility = (int) r.bits(32);
    long constraints = r.bits(48); // progressive..frame_only flags, 43 reserved/flag bits, inbld/reserved bit
    int levelIdc = r.u(8);
    boolean[] profilePresent = new boolean[maxSubLayersMinus1];
    boolean[] levelPresent = new boolean[maxSubLayersMinus1];
    for (int i = 0; i < maxSubLayersMinus1; i++) {
      profilePresent[i] = r.flag();
      levelPresent[i] = r.flag();
    }
    if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
    for (int i = 0; i < maxSubLayersMinus1; i++) {
      if (profilePresent[i]) r.skip(88); // sub_layer profile space .. inbld/reserved
      if (levelPresent[i]) r.skip(8); // sub_layer_level_idc
    }
    r.ue(); // sps_seq_parameter_set_id
    int chromaFormatIdc = r.ue();
    if (chromaFormatIdc > 3) throw new IllegalArgumentException("chroma_format_idc " + chromaFormatIdc);
    boolean separateColourPlane = chromaFormatIdc == 3 && r.flag();
    int width = r.ue(); // pic_width_in_luma_samples
    int height = r.ue(); // pic_height_in_luma_samples
    if (r.flag()) { // conformance_window_flag: offsets in chroma units, §7.4.3.2.1 and Table 6-1
      int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
      int subWidthC = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
      int subHeightC = chromaArrayType == 1 ? 2 : 1;
      width -= subWidthC * (r.ue() + r.ue());
      height -= subHeightC * (r.ue() + r.ue());
    }
    int bitDepthLuma = r.ue() + 8;
    int bitDepthChroma = r.ue() + 8;
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("conformance window leaves no picture");
    return new HevcSps(profileSpace, tier, profileIdc, compatibility, constraints, levelIdc, maxSubLayersMinus1 + 1,
        temporalIdNesting, chromaFormatIdc, bitDepthLuma, bitDepthChroma, width, height);
  }

  /**
   * The codecs parameter, ISO/IEC 14496-15 Annex E.3: {@code hvc1.} profile space letter and profile_idc, the 32
   * compatibility flags in reverse bit order as hex, tier L/H and level_idc, then the six constraint bytes as hex
   * with trailing zero bytes left out (e.g. {@code hvc1.1.6.L93.B0}).
   */
  String codecString() {
    StringBuilder s = new StringBuilder("hvc1.");
    if (profileSpace > 0) s.append((char) ('A' + profileSpace - 1));
    s.append(profileIdc).append('.').append(Integer.toHexString(Integer.reverse(compatibilityFlags)).toUpperCase());
    s.append('.').append(tier ? 'H' : 'L').append(levelIdc);
    int last = 5;
    while (last >= 0 && ((constraintFlags >>> (8 * (5 - last))) & 0xFF) == 0) last--;
    for (int i = 0; i <= last; i++) {
      s.append('.').append(Integer.toHexString((int) (constraintFlags >>> (8 * (5 - i))) & 0xFF).toUpperCase());
    }
    return s.toString();
  }
}
