package io.ipchls.device.fmp4;

import io.ipchls.device.h264.BitReader;
import io.ipchls.device.h264.Sps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A video track's codec configuration: the parameter sets that go into the init segment's sample entry (avc1/avcC
 * or hvc1/hvcC), the picture size and the RFC 6381 codecs string. Parameter sets live only in the init segment
 * (ISO/IEC 14496-15 §5.4.2.1 for avc1, §8.4.1.1 for hvc1: the sample entry holds every parameter set; avc3/hev1
 * would allow them in-band): the muxer drops them from samples, and {@link #matches(List)} tells whether a key
 * frame's in-band parameter sets still agree with this configuration (if not, a new init segment is needed).
 * Immutable.
 */
public final class VideoTrack {
  /** The two video codecs the muxer writes. */
  public enum Codec { H264, H265 }

  private static final int H264_SPS = 7;
  private static final int H264_PPS = 8;
  private static final int H264_AUD = 9;
  private static final int H265_VPS = io.ipchls.device.h265.NalUnits.VPS;
  private static final int H265_SPS = io.ipchls.device.h265.NalUnits.SPS;
  private static final int H265_PPS = io.ipchls.device.h265.NalUnits.PPS;
  private static final int H265_AUD = io.ipchls.device.h265.NalUnits.AUD;
  /** H.264 profile_idc values whose SPS carries chroma_format_idc and bit depths, §7.3.2.1.1. */
  private static final Set<Integer> AVC_PROFILES_WITH_CHROMA =
      Set.of(100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135);

  private final Codec codec;
  private final List<byte[]> parameterSets;
  private final int width;
  private final int height;
  private final String codecString;
  private final byte[] sampleEntry;

  private VideoTrack(Codec codec, List<byte[]> parameterSets, int width, int height, String codecString,
      byte[] sampleEntry) {
    this.codec = codec;
    this.parameterSets = parameterSets;
    this.width = width;
    this.height = height;
    this.codecString = codecString;
    this.sampleEntry = sampleEntry;
  }

  /**
   * The configuration carried by a key frame's parameter sets (H.264: SPS and PPS; H.265: VPS, SPS and PPS).
   *
   * @param nals the access unit's NAL units without start codes
   * @throws IllegalArgumentException if one of the needed parameter set types is missing or malformed
   */
  public static VideoTrack fromAccessUnit(Codec codec, List<byte[]> nals) {
    if (codec == Codec.H264) return h264(ofType(codec, nals, H264_SPS), ofType(codec, nals, H264_PPS));
    return h265(ofType(codec, nals, H265_VPS), ofType(codec, nals, H265_SPS), ofType(codec, nals, H265_PPS));
  }

  /** An H.264 track (avc1) from its SPSs and PPSs; size and codecs string come from the first SPS. */
  public static VideoTrack h264(List<byte[]> sps, List<byte[]> pps) {
    requireSets("SPS", sps);
    requireSets("PPS", pps);
    Sps parsed = Sps.parse(sps.get(0));
    int[] depths = avcChromaAndDepths(sps.get(0), parsed);
    byte[] avcC = SampleEntries.avcC(sps, pps, depths[0], depths[1], depths[2]);
    return new VideoTrack(Codec.H264, concat(sps, pps), parsed.width(), parsed.height(), parsed.codecString(),
        SampleEntries.avc1(parsed.width(), parsed.height(), avcC));
  }

  /** An H.265 track (hvc1) from its VPSs, SPSs and PPSs; size, profile and codecs string come from the first SPS. */
  public static VideoTrack h265(List<byte[]> vps, List<byte[]> sps, List<byte[]> pps) {
    requireSets("VPS", vps);
    requireSets("SPS", sps);
    requireSets("PPS", pps);
    io.ipchls.device.h265.Sps parsed = io.ipchls.device.h265.Sps.parse(sps.get(0));
    byte[] hvcC = SampleEntries.hvcC(parsed, vps, sps, pps);
    List<byte[]> all = concat(vps, concat(sps, pps));
    return new VideoTrack(Codec.H265, all, parsed.width(), parsed.height(), parsed.codecString(),
        SampleEntries.hvc1(parsed.width(), parsed.height(), hvcC));
  }

  public Codec codec() {
    return codec;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** RFC 6381 codecs parameter of this track, e.g. {@code avc1.64001f} or {@code hvc1.1.6.L93.B0}. */
  public String codecString() {
    return codecString;
  }

  /**
   * True if every parameter set in {@code nals} is one of this track's: the access unit can be muxed with the init
   * segment built from this configuration. False means the stream changed (resolution, profile...): build a new
   * muxer (and init segment) from this access unit with {@link #fromAccessUnit}.
   */
  public boolean matches(List<byte[]> nals) {
    for (byte[] nal : nals) {
      if (isParameterSet(nal) && parameterSets.stream().noneMatch(p -> Arrays.equals(p, nal))) return false;
    }
    return true;
  }

  /** True for NAL units that stay out of the samples: parameter sets and access unit delimiters. */
  boolean dropFromSample(byte[] nal) {
    return isParameterSet(nal) || type(codec, nal) == (codec == Codec.H264 ? H264_AUD : H265_AUD);
  }

  byte[] sampleEntry() {
    return sampleEntry;
  }

  private boolean isParameterSet(byte[] nal) {
    int t = type(codec, nal);
    return codec == Codec.H264 ? t == H264_SPS || t == H264_PPS : t >= H265_VPS && t <= H265_PPS;
  }

  /** nal_unit_type: H.264 §7.3.1 (5 low bits of byte 0), H.265 §7.3.1.2 (6 bits after forbidden_zero_bit). */
  static int type(Codec codec, byte[] nal) {
    if (nal.length == 0) throw new IllegalArgumentException("empty NAL unit");
    return codec == Codec.H264 ? nal[0] & 0x1F : (nal[0] >> 1) & 0x3F;
  }

  /** chroma_format_idc and the two bit depths: present in the SPS only for the High profiles, §7.3.2.1.1. */
  private static int[] avcChromaAndDepths(byte[] sps, Sps parsed) {
    if (!AVC_PROFILES_WITH_CHROMA.contains(parsed.profileIdc())) return new int[] {1, 8, 8};
    BitReader r = new BitReader(BitReader.unescape(sps), 1);
    r.u(24); // profile_idc, constraint flags, level_idc
    r.ue(); // seq_parameter_set_id
    int chroma = r.ue();
    if (chroma == 3) r.flag(); // separate_colour_plane_flag
    return new int[] {chroma, r.ue() + 8, r.ue() + 8};
  }

  private static List<byte[]> ofType(Codec codec, List<byte[]> nals, int type) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] nal : nals) {
      if (type(codec, nal) == type && out.stream().noneMatch(p -> Arrays.equals(p, nal))) out.add(nal);
    }
    return out;
  }

  private static void requireSets(String what, List<byte[]> sets) {
    if (sets == null || sets.isEmpty()) throw new IllegalArgumentException("no " + what + " in the access unit");
    if (sets.size() > 31) throw new IllegalArgumentException("more than 31 " + what + "s");
    for (byte[] s : sets) {
      if (s.length < 2 || s.length > 0xFFFF) throw new IllegalArgumentException(what + " of " + s.length + " bytes");
    }
  }

  private static List<byte[]> concat(List<byte[]> a, List<byte[]> b) {
    List<byte[]> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }
}
