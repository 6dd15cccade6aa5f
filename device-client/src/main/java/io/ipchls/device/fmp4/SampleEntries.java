package io.ipchls.device.fmp4;

import io.ipchls.device.h265.NalUnits;
import io.ipchls.device.h265.ProfileTierLevel;
import io.ipchls.device.h265.Sps;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pure builders of the sample entries (the one entry of each track's stsd box) and their decoder configuration
 * boxes: avc1 + avcC, hvc1 + hvcC, mp4a + esds, fLaC + dfLa.
 */
final class SampleEntries {
  /** data_reference_index: the one entry of the track's dref box, ISO/IEC 14496-12 §8.5.2.2. */
  private static final int DATA_REFERENCE_INDEX = 1;
  /** 72 dpi as 16.16 fixed point: horizresolution/vertresolution, §12.1.3.2. */
  private static final int RESOLUTION_72_DPI = 0x00480000;
  /** depth 0x0018: colour images with no alpha, §12.1.3.2. */
  private static final int DEPTH_COLOUR = 0x0018;
  /** lengthSizeMinusOne: every NAL unit in a sample is preceded by a 4-byte length (ISO/IEC 14496-15 §5.3.3.1.2). */
  static final int NAL_LENGTH_SIZE = 4;
  /** H.264 profiles whose avcC carries chroma_format and bit depths, ISO/IEC 14496-15 §5.3.3.1.1. */
  private static final List<Integer> AVC_HIGH_PROFILES = List.of(100, 110, 122, 144);
  /** objectTypeIndication 0x40: Audio ISO/IEC 14496-3 (AAC), the MP4 registration authority's table. */
  private static final int OBJECT_TYPE_AAC = 0x40;
  /** streamType 0x05: AudioStream, ISO/IEC 14496-1 §7.2.6.6.2 Table 6. */
  private static final int STREAM_TYPE_AUDIO = 0x05;

  private SampleEntries() {}

  /** {@code avc1} VisualSampleEntry with its avcC, ISO/IEC 14496-15 §5.4.2.1. */
  static byte[] avc1(int width, int height, byte[] avcC) {
    return visual("avc1", width, height, avcC);
  }

  /** {@code hvc1} VisualSampleEntry with its hvcC, ISO/IEC 14496-15 §8.4.1.1. */
  static byte[] hvc1(int width, int height, byte[] hvcC) {
    return visual("hvc1", width, height, hvcC);
  }

  /**
   * AVCDecoderConfigurationRecord in an avcC box, ISO/IEC 14496-15 §5.3.3.1: profile, compatibility and level copied
   * from the first SPS (bytes 1..3), 4-byte NAL lengths, the SPSs and PPSs; for the High profiles also
   * chroma_format, the bit depths and no SPS extensions.
   */
  static byte[] avcC(List<byte[]> sps, List<byte[]> pps, int chromaFormat, int bitDepthLuma, int bitDepthChroma) {
    byte[] first = sps.get(0);
    BoxBuffer b = new BoxBuffer(64);
    int box = b.begin("avcC");
    b.u8(1).u8(first[1]).u8(first[2]).u8(first[3]); // configurationVersion, AVCProfileIndication, compat, level
    b.u8(0xFC | (NAL_LENGTH_SIZE - 1)); // reserved '111111', lengthSizeMinusOne
    b.u8(0xE0 | sps.size()); // reserved '111', numOfSequenceParameterSets
    for (byte[] s : sps) b.u16(s.length).bytes(s);
    b.u8(pps.size());
    for (byte[] p : pps) b.u16(p.length).bytes(p);
    if (AVC_HIGH_PROFILES.contains(first[1] & 0xFF)) {
      b.u8(0xFC | chromaFormat).u8(0xF8 | (bitDepthLuma - 8)).u8(0xF8 | (bitDepthChroma - 8));
      b.u8(0); // numOfSequenceParameterSetExt
    }
    b.end(box);
    return b.toByteArray();
  }

  /**
   * HEVCDecoderConfigurationRecord in an hvcC box, ISO/IEC 14496-15 §8.3.3.1: the SPS's general profile_tier_level
   * fields, its VUI min_spatial_segmentation_idc, parallelismType 0 (unknown, allowed), chroma format and bit depths,
   * avgFrameRate and constantFrameRate 0 (unspecified), 4-byte NAL lengths, then one array per parameter set type
   * (VPS, SPS, PPS) with array_completeness 1: hvc1 keeps every parameter set here and none in the samples.
   */
  static byte[] hvcC(Sps s, List<byte[]> vps, List<byte[]> sps, List<byte[]> pps) {
    ProfileTierLevel ptl = s.profileTierLevel();
    BoxBuffer b = new BoxBuffer(128);
    int box = b.begin("hvcC");
    b.u8(1); // configurationVersion
    b.u8((ptl.profileSpace() << 6) | (ptl.highTier() ? 0x20 : 0) | ptl.profileIdc());
    b.u32(ptl.profileCompatibilityFlags());
    b.u16((int) (ptl.constraintIndicatorFlags() >>> 32)).u32(ptl.constraintIndicatorFlags());
    b.u8(ptl.levelIdc());
    b.u16(0xF000 | s.minSpatialSegmentationIdc()); // reserved '1111', min_spatial_segmentation_idc
    b.u8(0xFC); // reserved '111111', parallelismType 0
    b.u8(0xFC | s.chromaFormatIdc());
    b.u8(0xF8 | (s.bitDepthLuma() - 8)).u8(0xF8 | (s.bitDepthChroma() - 8));
    b.u16(0); // avgFrameRate
    // constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne
    b.u8(((s.maxSubLayersMinus1() + 1) << 3) | (s.temporalIdNesting() ? 0x04 : 0) | (NAL_LENGTH_SIZE - 1));
    b.u8(3); // numOfArrays
    nalArray(b, NalUnits.VPS, vps);
    nalArray(b, NalUnits.SPS, sps);
    nalArray(b, NalUnits.PPS, pps);
    b.end(box);
    return b.toByteArray();
  }

  /**
   * {@code mp4a} AudioSampleEntry (ISO/IEC 14496-14 §5.6.1) with an esds box holding an ES_Descriptor
   * (ISO/IEC 14496-1 §7.2.6.5): DecoderConfigDescriptor (§7.2.6.6) for AAC with the AudioSpecificConfig as its
   * DecoderSpecificInfo, and the SLConfigDescriptor predefined for MP4 files (§7.3.2.3, predefined 2).
   */
  static byte[] mp4a(int trackId, int channels, int sampleRate, byte[] audioSpecificConfig) {
    BoxBuffer esds = new BoxBuffer(64);
    int box = esds.beginFull("esds", 0, 0);
    int decoderSpecificInfo = 2 + audioSpecificConfig.length;
    int decoderConfig = 2 + 13 + decoderSpecificInfo;
    int esDescriptor = 3 + decoderConfig + 3;
    // Lengths below 128 fit the one-byte form of sizeOfInstance (§8.3.3); configs here are a few bytes long.
    esds.u8(0x03).u8(esDescriptor).u16(trackId).u8(0); // ES_DescrTag, ES_ID, no dependency/URL/OCR
    esds.u8(0x04).u8(decoderConfig - 2).u8(OBJECT_TYPE_AAC);
    esds.u8((STREAM_TYPE_AUDIO << 2) | 0x01); // streamType, upStream 0, reserved 1
    esds.u24(0).u32(0).u32(0); // bufferSizeDB, maxBitrate, avgBitrate: not known in advance (0)
    esds.u8(0x05).u8(audioSpecificConfig.length).bytes(audioSpecificConfig); // DecSpecificInfoTag
    esds.u8(0x06).u8(1).u8(0x02); // SLConfigDescrTag, predefined = 2 (reserved for use in MP4 files)
    esds.end(box);
    return audio("mp4a", channels, 16, sampleRate, esds.toByteArray());
  }

  /**
   * {@code fLaC} AudioSampleEntry with its dfLa box, per "Encapsulation of FLAC in ISO Base Media File Format"
   * (Xiph.Org, §3.3.1 and §3.3.2): a FullBox (version 0) holding the FLAC metadata blocks, here the one
   * METADATA_BLOCK_STREAMINFO with its last-metadata-block flag set.
   */
  static byte[] fLaC(int channels, int bitsPerSample, int sampleRate, byte[] streamInfo) {
    BoxBuffer dfla = new BoxBuffer(64);
    int box = dfla.beginFull("dfLa", 0, 0);
    dfla.u8(0x80).u24(streamInfo.length).bytes(streamInfo); // last-metadata-block 1, BLOCK_TYPE 0 (STREAMINFO)
    dfla.end(box);
    // samplerate: the rate in the upper 16 bits when it fits, else 0 (§3.3.1); G.711 is 8000.
    return audio("fLaC", channels, bitsPerSample, sampleRate <= 0xFFFF ? sampleRate : 0, dfla.toByteArray());
  }

  /** VisualSampleEntry, ISO/IEC 14496-12 §12.1.3.2, with one configuration box. */
  private static byte[] visual(String type, int width, int height, byte[] config) {
    BoxBuffer b = new BoxBuffer(128 + config.length);
    int box = b.begin(type);
    b.zeros(6).u16(DATA_REFERENCE_INDEX); // SampleEntry: reserved, data_reference_index (§8.5.2.2)
    b.zeros(16); // pre_defined, reserved, pre_defined[3]
    b.u16(width).u16(height).u32(RESOLUTION_72_DPI).u32(RESOLUTION_72_DPI).u32(0); // ... reserved
    b.u16(1); // frame_count: one frame per sample
    byte[] name = new byte[32]; // compressorname: a length byte then the name, padded to 32 bytes
    byte[] text = type.equals("avc1") ? "AVC Coding".getBytes(StandardCharsets.US_ASCII)
        : "HEVC Coding".getBytes(StandardCharsets.US_ASCII);
    name[0] = (byte) text.length;
    System.arraycopy(text, 0, name, 1, text.length);
    b.bytes(name).u16(DEPTH_COLOUR).u16(0xFFFF); // depth, pre_defined = -1
    b.bytes(config);
    b.end(box);
    return b.toByteArray();
  }

  /** AudioSampleEntry (version 0), ISO/IEC 14496-12 §12.2.3.2, with one configuration box. */
  private static byte[] audio(String type, int channels, int sampleSize, int sampleRate, byte[] config) {
    BoxBuffer b = new BoxBuffer(64 + config.length);
    int box = b.begin(type);
    b.zeros(6).u16(DATA_REFERENCE_INDEX);
    b.zeros(8); // reserved
    b.u16(channels).u16(sampleSize).u16(0).u16(0); // channelcount, samplesize, pre_defined, reserved
    b.u32((long) sampleRate << 16); // samplerate as 16.16 fixed point
    b.bytes(config);
    b.end(box);
    return b.toByteArray();
  }

  /** One array of an hvcC: array_completeness 1, reserved 0, NAL_unit_type, numNalus, then length + NAL each. */
  private static void nalArray(BoxBuffer b, int nalType, List<byte[]> nals) {
    b.u8(0x80 | nalType).u16(nals.size());
    for (byte[] nal : nals) b.u16(nal.length).bytes(nal);
  }
}
