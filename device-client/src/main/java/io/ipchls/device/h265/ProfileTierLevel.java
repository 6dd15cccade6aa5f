package io.ipchls.device.h265;

import io.ipchls.device.h264.BitReader;

/**
 * The general part of profile_tier_level(), ITU-T H.265 §7.3.3 with semantics from §7.4.4: what an HEVC
 * decoder configuration record (ISO/IEC 14496-15 §8.3.3.1, {@code hvcC}) and the RFC 6381 codec string (ISO/IEC
 * 14496-15 Annex E.3) copy verbatim.
 *
 * @param profileSpace general_profile_space, 0..3 (0 in every profile defined so far)
 * @param highTier general_tier_flag: false for the Main tier, true for the High tier
 * @param profileIdc general_profile_idc: 1 Main, 2 Main 10, 3 Main Still Picture, 4 range extensions, ...
 * @param profileCompatibilityFlags general_profile_compatibility_flag[0..31], flag j in bit {@code 31 - j} (the order
 *     they are coded and the order {@code hvcC} stores them)
 * @param constraintIndicatorFlags the 48 bits from general_progressive_source_flag to general_inbld_flag (or its
 *     reserved bit), in coded order in the low 48 bits (the {@code hvcC} general_constraint_indicator_flags)
 * @param levelIdc general_level_idc: 30 times the level number, e.g. 93 for level 3.1
 */
public record ProfileTierLevel(int profileSpace, boolean highTier, int profileIdc, int profileCompatibilityFlags,
    long constraintIndicatorFlags, int levelIdc) {
  /** Bits of general_progressive_source_flag .. general_inbld_flag, §7.3.3. */
  private static final int CONSTRAINT_BITS = 48;
  /** sub_layer_profile_space .. sub_layer_inbld_flag: 2 + 1 + 5 + 32 + 48 bits, §7.3.3. */
  private static final int SUB_LAYER_PROFILE_BITS = 88;

  /**
   * The RFC 6381 {@code codecs} value for a stream with these parameters stored as {@code hvc1} (parameter sets in
   * the sample entry), per ISO/IEC 14496-15 Annex E.3, e.g. {@code hvc1.1.6.L93.B0}: the profile space as a letter
   * (none, A, B, C) and the profile_idc in decimal; the compatibility flags bit-reversed in hex without leading
   * zeros; L or H for the tier and the level_idc in decimal; then the six constraint bytes in hex, trailing zero
   * bytes omitted.
   */
  public String codecString() {
    StringBuilder s = new StringBuilder("hvc1.");
    if (profileSpace > 0) s.append((char) ('A' + profileSpace - 1));
    s.append(profileIdc).append('.');
    s.append(Integer.toHexString(Integer.reverse(profileCompatibilityFlags)).toUpperCase());
    s.append('.').append(highTier ? 'H' : 'L').append(levelIdc);
    int last = -1;
    for (int i = 0; i < 6; i++) {
      if (constraintByte(i) != 0) last = i;
    }
    for (int i = 0; i <= last; i++) s.append('.').append(Integer.toHexString(constraintByte(i)).toUpperCase());
    return s.toString();
  }

  /** Byte {@code i} (0..5) of the 48 constraint indicator bits, first coded byte first. */
  public int constraintByte(int i) {
    return (int) (constraintIndicatorFlags >>> (8 * (5 - i))) & 0xFF;
  }

  /** general_progressive_source_flag, §7.4.4. */
  public boolean progressiveSource() {
    return (constraintIndicatorFlags >>> 47 & 1) == 1;
  }

  /** general_interlaced_source_flag, §7.4.4. */
  public boolean interlacedSource() {
    return (constraintIndicatorFlags >>> 46 & 1) == 1;
  }

  /**
   * Reads profile_tier_level(1, maxNumSubLayersMinus1), §7.3.3, leaving the reader after it; the sub-layer fields
   * are skipped.
   */
  static ProfileTierLevel read(BitReader r, int maxNumSubLayersMinus1) {
    int profileSpace = r.u(2);
    boolean highTier = r.flag();
    int profileIdc = r.u(5);
    int compatibility = r.u(32);
    long constraints = r.uLong(CONSTRAINT_BITS);
    int levelIdc = r.u(8);
    boolean[] profilePresent = new boolean[maxNumSubLayersMinus1];
    boolean[] levelPresent = new boolean[maxNumSubLayersMinus1];
    for (int i = 0; i < maxNumSubLayersMinus1; i++) {
      profilePresent[i] = r.flag(); // sub_layer_profile_present_flag[i]
      levelPresent[i] = r.flag(); // sub_layer_level_present_flag[i]
    }
    if (maxNumSubLayersMinus1 > 0) r.skip(2 * (8 - maxNumSubLayersMinus1)); // reserved_zero_2bits
    for (int i = 0; i < maxNumSubLayersMinus1; i++) {
      if (profilePresent[i]) r.skip(SUB_LAYER_PROFILE_BITS);
      if (levelPresent[i]) r.skip(8); // sub_layer_level_idc[i]
    }
    return new ProfileTierLevel(profileSpace, highTier, profileIdc, compatibility, constraints, levelIdc);
  }
}
