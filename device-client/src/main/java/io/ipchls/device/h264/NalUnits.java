package io.ipchls.device.h264;

import java.util.List;

/** NAL unit header helpers, ITU-T H.264 §7.3.1 (nal_unit) and Table 7-1 (nal_unit_type). */
public final class NalUnits {
  /** Coded slice of a non-IDR picture. */
  public static final int SLICE = 1;
  /** Coded slice of an IDR picture (a key frame). */
  public static final int IDR = 5;
  /** Supplemental enhancement information. */
  public static final int SEI = 6;
  /** Sequence parameter set. */
  public static final int SPS = 7;
  /** Picture parameter set. */
  public static final int PPS = 8;
  /** Access unit delimiter. */
  public static final int AUD = 9;

  /**
   * An access unit delimiter NAL with primary_pic_type = 7 ("any slice type"), §7.3.2.4: header 0x09, then 3 bits
   * of primary_pic_type (111) and rbsp_trailing_bits (1 0000).
   */
  private static final byte[] AUD_ANY = {0x09, (byte) 0xF0};

  private NalUnits() {}

  /** nal_unit_type: the low 5 bits of the first header byte, §7.3.1. */
  public static int type(byte[] nal) {
    if (nal.length == 0) throw new IllegalArgumentException("empty NAL unit");
    return nal[0] & 0x1F;
  }

  public static boolean isIdr(byte[] nal) {
    return type(nal) == IDR;
  }

  /** True if any NAL of the access unit is an IDR slice. */
  public static boolean containsIdr(List<byte[]> nals) {
    return nals.stream().anyMatch(n -> n.length > 0 && type(n) == IDR);
  }

  /** True if any NAL of the access unit has the given type. */
  public static boolean contains(List<byte[]> nals, int type) {
    return nals.stream().anyMatch(n -> n.length > 0 && type(n) == type);
  }

  /** A fresh copy of the "any slice type" access unit delimiter. */
  public static byte[] accessUnitDelimiter() {
    return AUD_ANY.clone();
  }
}
