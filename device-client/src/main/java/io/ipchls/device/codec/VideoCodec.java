package io.ipchls.device.codec;

import io.ipchls.device.h264.AnnexB;
import java.util.List;

/**
 * The video codecs the SDK takes, both as Annex-B byte streams (ITU-T H.264 Annex B, ITU-T H.265 Annex B: the same
 * start codes): what differs between them for a muxer, the NAL unit header and which NAL units are parameter sets,
 * key pictures and access unit delimiters.
 */
public enum VideoCodec {
  /** ITU-T H.264 | ISO/IEC 14496-10 (AVC): SPS and PPS; key frames are IDR pictures. */
  H264(List.of(io.ipchls.device.h264.NalUnits.SPS, io.ipchls.device.h264.NalUnits.PPS), "h264"),
  /**
   * ITU-T H.265 | ISO/IEC 23008-2 (HEVC): VPS, SPS and PPS; key frames are IRAP pictures (IDR, CRA, BLA), where a
   * decoder can start (§3.73).
   */
  H265(List.of(io.ipchls.device.h265.NalUnits.VPS, io.ipchls.device.h265.NalUnits.SPS,
      io.ipchls.device.h265.NalUnits.PPS), "hvc1");

  private final List<Integer> parameterSetTypes;
  private final String fallbackCodecString;

  VideoCodec(List<Integer> parameterSetTypes, String fallbackCodecString) {
    this.parameterSetTypes = parameterSetTypes;
    this.fallbackCodecString = fallbackCodecString;
  }

  /** nal_unit_type of a NAL unit (H.264 §7.3.1: 5 bits of one header byte; H.265 §7.3.1.2: 6 bits of two). */
  public int nalType(byte[] nal) {
    return this == H264 ? io.ipchls.device.h264.NalUnits.type(nal) : io.ipchls.device.h265.NalUnits.type(nal);
  }

  /** Parameter set NAL unit types in the order a key frame carries them: SPS, PPS (H.264); VPS, SPS, PPS (H.265). */
  public List<Integer> parameterSetTypes() {
    return parameterSetTypes;
  }

  /** nal_unit_type of the sequence parameter set. */
  public int spsType() {
    return this == H264 ? io.ipchls.device.h264.NalUnits.SPS : io.ipchls.device.h265.NalUnits.SPS;
  }

  /** nal_unit_type of the access unit delimiter. */
  public int audType() {
    return this == H264 ? io.ipchls.device.h264.NalUnits.AUD : io.ipchls.device.h265.NalUnits.AUD;
  }

  /** True for a coded slice (a VCL NAL unit): H.264 types 1..5, H.265 types 0..31 (§7.4.2.2). */
  public boolean isSlice(int type) {
    return this == H264 ? type >= 1 && type <= 5 : io.ipchls.device.h265.NalUnits.isVcl(type);
  }

  /** True if the access unit is a picture where decoding can start: an IDR (H.264) or IRAP (H.265) picture. */
  public boolean isKey(List<byte[]> nals) {
    return this == H264 ? io.ipchls.device.h264.NalUnits.containsIdr(nals)
        : io.ipchls.device.h265.NalUnits.containsIrap(nals);
  }

  /** A fresh access unit delimiter that allows every slice type. */
  public byte[] accessUnitDelimiter() {
    return this == H264 ? io.ipchls.device.h264.NalUnits.accessUnitDelimiter()
        : io.ipchls.device.h265.NalUnits.accessUnitDelimiter();
  }

  /** The codec string used when the SPS cannot be parsed ({@code h264}, {@code hvc1}). */
  public String fallbackCodecString() {
    return fallbackCodecString;
  }

  /**
   * Splits an Annex-B access unit into NAL units and checks each header.
   *
   * @throws IllegalArgumentException if there is no start code (not Annex-B: e.g. length-prefixed AVCC/hvcC data),
   *     or a NAL unit is empty, has forbidden_zero_bit set, or a type this codec leaves reserved or unspecified
   */
  public List<byte[]> splitAnnexB(byte[] accessUnit) {
    if (accessUnit == null || accessUnit.length == 0) throw new IllegalArgumentException("empty access unit");
    List<byte[]> nals = AnnexB.split(accessUnit);
    if (nals.isEmpty() || !startsWithStartCode(accessUnit)) {
      throw new IllegalArgumentException("not an Annex-B byte stream: no start code 00 00 01 found (length-prefixed "
          + "MP4-style NAL units must be converted to Annex B first)");
    }
    for (byte[] nal : nals) checkNal(nal);
    return nals;
  }

  /**
   * True if the bytes begin with a start code, after nothing but zero bytes (leading_zero_8bits, §B.2): a
   * length-prefixed NAL unit begins with its non-zero length instead.
   */
  private static boolean startsWithStartCode(byte[] b) {
    int i = 0;
    while (i < b.length && b[i] == 0) i++;
    return i >= 2 && i < b.length && b[i] == 1;
  }

  /**
   * Checks one NAL unit header: forbidden_zero_bit 0 and a type the codec specifies. For H.265 also
   * nuh_temporal_id_plus1 ≠ 0 and nuh_layer_id 0 (§7.4.2.2: only the base layer; layered extensions are refused).
   *
   * @throws IllegalArgumentException naming the problem
   */
  public void checkNal(byte[] nal) {
    if (nal.length == 0) throw new IllegalArgumentException("empty NAL unit");
    if ((nal[0] & 0x80) != 0) throw new IllegalArgumentException("NAL unit with forbidden_zero_bit set: corrupt data");
    if (this == H264) {
      int type = io.ipchls.device.h264.NalUnits.type(nal);
      if (type == 0 || type >= 24) {
        throw new IllegalArgumentException("NAL unit type " + type + " is unspecified in H.264 (Table 7-1): "
            + "corrupt data, or not H.264");
      }
      if (type >= 2 && type <= 4) { // slice data partitions A..C
        throw new IllegalArgumentException("NAL unit type " + type + " is slice data partitioning (H.264 Extended "
            + "profile), which cameras do not use and this SDK does not take: an H.265 stream given as H.264?");
      }
      return;
    }
    String notH265 = ": corrupt data, or not H.265 (an H.264 stream given as H.265?)";
    if (nal.length < io.ipchls.device.h265.NalUnits.HEADER_BYTES) {
      throw new IllegalArgumentException("H.265 NAL unit shorter than its 2-byte header" + notH265);
    }
    int type = io.ipchls.device.h265.NalUnits.type(nal);
    boolean reserved = (type >= 10 && type <= 15) || (type >= 22 && type <= 31) || type >= 41;
    if (reserved) {
      throw new IllegalArgumentException("NAL unit type " + type + " is reserved or unspecified in H.265 (Table 7-1)"
          + notH265);
    }
    if ((nal[1] & 0x07) == 0) {
      throw new IllegalArgumentException("H.265 NAL unit with nuh_temporal_id_plus1 0, which §7.4.2.2 forbids"
          + notH265);
    }
    if (io.ipchls.device.h265.NalUnits.layerId(nal) != 0) {
      throw new IllegalArgumentException("H.265 NAL unit of layer " + io.ipchls.device.h265.NalUnits.layerId(nal)
          + ": only the base layer (nuh_layer_id 0) is supported");
    }
  }
}
