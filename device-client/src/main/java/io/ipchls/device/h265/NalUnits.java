package io.ipchls.device.h265;

import java.util.List;

/**
 * NAL unit header helpers for H.265, ITU-T H.265 §7.3.1.2 (nal_unit_header) and Table 7-1 (nal_unit_type). The
 * header is two bytes: forbidden_zero_bit, nal_unit_type (6 bits), nuh_layer_id (6 bits), nuh_temporal_id_plus1 (3).
 */
public final class NalUnits {
  /** Length of nal_unit_header(), §7.3.1.2. */
  public static final int HEADER_BYTES = 2;

  // Table 7-1, VCL NAL unit types (0..31).
  /** Coded slice of a trailing picture, non-reference (TRAIL_N) and reference (TRAIL_R). */
  public static final int TRAIL_N = 0;
  public static final int TRAIL_R = 1;
  /** Random access skipped leading pictures: not decodable when decoding starts at their CRA. */
  public static final int RASL_N = 8;
  public static final int RASL_R = 9;
  /** Broken link access: an IRAP picture, §3.19. */
  public static final int BLA_W_LP = 16;
  public static final int BLA_W_RADL = 17;
  public static final int BLA_N_LP = 18;
  /** Instantaneous decoding refresh: an IRAP picture. */
  public static final int IDR_W_RADL = 19;
  public static final int IDR_N_LP = 20;
  /** Clean random access: an IRAP picture. */
  public static final int CRA_NUT = 21;
  /** Reserved IRAP VCL types 22 and 23 (RSV_IRAP_VCL22..23): random access points of later extensions. */
  public static final int RSV_IRAP_VCL23 = 23;
  /** Last VCL type (RSV_VCL31). */
  public static final int LAST_VCL = 31;

  // Table 7-1, non-VCL NAL unit types.
  public static final int VPS = 32;
  public static final int SPS = 33;
  public static final int PPS = 34;
  /** Access unit delimiter. */
  public static final int AUD = 35;
  public static final int EOS = 36;
  public static final int EOB = 37;
  public static final int FD = 38;
  public static final int PREFIX_SEI = 39;
  public static final int SUFFIX_SEI = 40;

  /**
   * An access unit delimiter NAL with pic_type = 2 (I, P and B slices), §7.3.2.5: header {@code 46 01} (type 35,
   * layer 0, temporal id plus1 = 1), then 3 bits of pic_type (010) and rbsp_trailing_bits (1 0000).
   */
  private static final byte[] AUD_ANY = {0x46, 0x01, 0x50};

  private NalUnits() {}

  /** nal_unit_type: bits 1..6 of the first header byte, §7.3.1.2. */
  public static int type(byte[] nal) {
    if (nal.length < HEADER_BYTES) throw new IllegalArgumentException("H.265 NAL unit shorter than its 2-byte header");
    return (nal[0] >> 1) & 0x3F;
  }

  /** nuh_layer_id, §7.3.1.2: 0 for the base layer, which is all this SDK writes. */
  public static int layerId(byte[] nal) {
    return ((nal[0] & 1) << 5) | ((nal[1] & 0xFF) >>> 3);
  }

  /** True for a coded slice segment (VCL NAL unit types 0..31, §7.4.2.2). */
  public static boolean isVcl(int type) {
    return type >= 0 && type <= LAST_VCL;
  }

  /**
   * True for an intra random access point picture (BLA, IDR, CRA; types 16..23, §3.73): decoding can start there.
   * RASL pictures that follow a CRA in decoding order are not decodable after a cut, but a segment starting at the
   * CRA is still playable: a decoder discards them (§8.1.3), as it does at the start of every HLS segment.
   */
  public static boolean isIrap(int type) {
    return type >= BLA_W_LP && type <= RSV_IRAP_VCL23;
  }

  /** True if any NAL of the access unit is an IRAP slice. */
  public static boolean containsIrap(List<byte[]> nals) {
    return nals.stream().anyMatch(n -> n.length >= HEADER_BYTES && isIrap(type(n)));
  }

  /** True if the access unit is an IDR picture (IDR_W_RADL or IDR_N_LP): no picture after it needs one before. */
  public static boolean containsIdr(List<byte[]> nals) {
    return nals.stream().anyMatch(n -> n.length >= HEADER_BYTES && (type(n) == IDR_W_RADL || type(n) == IDR_N_LP));
  }

  /** True if the access unit is a RASL picture, which refers to pictures before its IRAP in decoding order. */
  public static boolean containsRasl(List<byte[]> nals) {
    return nals.stream().anyMatch(n -> n.length >= HEADER_BYTES && (type(n) == RASL_N || type(n) == RASL_R));
  }

  /** True if any NAL of the access unit has the given type. */
  public static boolean contains(List<byte[]> nals, int type) {
    return nals.stream().anyMatch(n -> n.length >= HEADER_BYTES && type(n) == type);
  }

  /** A fresh copy of the "I, P and B slices" access unit delimiter. */
  public static byte[] accessUnitDelimiter() {
    return AUD_ANY.clone();
  }
}
