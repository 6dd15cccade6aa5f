package io.ipchls.device.fmp4;

import java.util.Arrays;

/**
 * An audio track's codec configuration: AAC (mp4a + esds with the AudioSpecificConfig) or FLAC (fLaC + dfLa with the
 * STREAMINFO block). The track's timescale is its sample rate, so audio timestamps and durations count samples.
 * Immutable.
 */
public final class AudioTrack {
  /** The two audio codecs the muxer writes; G.711 is carried as FLAC (see {@code io.ipchls.device.flac}). */
  public enum Codec { AAC, FLAC }

  /** Sampling frequencies by sampling_frequency_index, ISO/IEC 14496-3 §1.6.3.4 Table 1.18. */
  private static final int[] AAC_RATES =
      {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};
  /** Size of METADATA_BLOCK_STREAMINFO, RFC 9639 §8.2. */
  private static final int STREAMINFO_SIZE = 34;

  private final Codec codec;
  private final int sampleRate;
  private final int channels;
  private final int bitsPerSample;
  private final byte[] config;
  private final String codecString;

  private AudioTrack(Codec codec, int sampleRate, int channels, int bitsPerSample, byte[] config, String codecs) {
    this.codec = codec;
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.bitsPerSample = bitsPerSample;
    this.config = config;
    this.codecString = codecs;
  }

  /**
   * AAC from its AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): audioObjectType (5 bits), samplingFrequencyIndex
   * (4 bits), channelConfiguration (4 bits), ...
   *
   * @throws IllegalArgumentException for escaped object types, explicit or reserved rates, or channel configuration 0
   */
  public static AudioTrack aac(byte[] audioSpecificConfig) {
    if (audioSpecificConfig.length < 2 || audioSpecificConfig.length > 64) {
      throw new IllegalArgumentException("AudioSpecificConfig of " + audioSpecificConfig.length + " bytes");
    }
    int objectType = (audioSpecificConfig[0] & 0xFF) >>> 3;
    int rateIndex = ((audioSpecificConfig[0] & 0x07) << 1) | ((audioSpecificConfig[1] & 0x80) >>> 7);
    int channelConfig = (audioSpecificConfig[1] >>> 3) & 0x0F;
    if (objectType == 0 || objectType == 31) throw new IllegalArgumentException("audioObjectType " + objectType);
    if (rateIndex >= AAC_RATES.length) throw new IllegalArgumentException("samplingFrequencyIndex " + rateIndex);
    if (channelConfig == 0 || channelConfig > 7) {
      throw new IllegalArgumentException("channelConfiguration " + channelConfig + " (0 needs a program config)");
    }
    int channels = channelConfig == 7 ? 8 : channelConfig;
    return new AudioTrack(Codec.AAC, AAC_RATES[rateIndex], channels, 16, audioSpecificConfig.clone(),
        "mp4a.40." + objectType);
  }

  /**
   * AAC configured from an ADTS frame's header (ISO/IEC 14496-3 §1.A.2.2.1): audioObjectType = profile + 1, the same
   * sampling_frequency_index and channel_configuration, GASpecificConfig all zero (1024-sample frames).
   *
   * @throws IllegalArgumentException if {@code adtsFrame} does not start with an ADTS header
   */
  public static AudioTrack aacFromAdts(byte[] adtsFrame) {
    adtsHeaderLength(adtsFrame);
    int objectType = ((adtsFrame[2] & 0xC0) >>> 6) + 1;
    int rateIndex = (adtsFrame[2] & 0x3C) >>> 2;
    int channelConfig = ((adtsFrame[2] & 0x01) << 2) | ((adtsFrame[3] & 0xC0) >>> 6);
    byte[] asc = {(byte) ((objectType << 3) | (rateIndex >>> 1)), (byte) (((rateIndex & 1) << 7) | (channelConfig << 3))};
    return aac(asc);
  }

  /** The raw AAC payload of an ADTS frame: the frame without its 7-byte (or 9-byte, with CRC) header. */
  public static byte[] adtsPayload(byte[] adtsFrame) {
    return Arrays.copyOfRange(adtsFrame, adtsHeaderLength(adtsFrame), adtsFrame.length);
  }

  /**
   * FLAC from its STREAMINFO block (RFC 9639 §8.2): sample rate, channels and bits per sample are read from it.
   *
   * @throws IllegalArgumentException if the block is not 34 bytes or names an invalid rate
   */
  public static AudioTrack flac(byte[] streamInfo) {
    if (streamInfo.length != STREAMINFO_SIZE) {
      throw new IllegalArgumentException("STREAMINFO must be 34 bytes, not " + streamInfo.length);
    }
    int rate = ((streamInfo[10] & 0xFF) << 12) | ((streamInfo[11] & 0xFF) << 4) | ((streamInfo[12] & 0xF0) >>> 4);
    int channels = ((streamInfo[12] & 0x0E) >>> 1) + 1;
    int bits = (((streamInfo[12] & 0x01) << 4) | ((streamInfo[13] & 0xF0) >>> 4)) + 1;
    if (rate == 0) throw new IllegalArgumentException("STREAMINFO sample rate 0");
    return new AudioTrack(Codec.FLAC, rate, channels, bits, streamInfo.clone(), "fLaC");
  }

  public Codec codec() {
    return codec;
  }

  /** Samples per second, also the track's timescale. */
  public int sampleRate() {
    return sampleRate;
  }

  public int channels() {
    return channels;
  }

  /** RFC 6381 codecs parameter: {@code mp4a.40.2} (AAC-LC) or {@code fLaC}. */
  public String codecString() {
    return codecString;
  }

  byte[] sampleEntry(int trackId) {
    return codec == Codec.AAC ? SampleEntries.mp4a(trackId, channels, sampleRate, config)
        : SampleEntries.fLaC(channels, bitsPerSample, sampleRate, config);
  }

  /** 7, or 9 when protection_absent is 0 (a CRC follows); checks the 12-bit syncword 0xFFF, §1.A.2.2.1. */
  private static int adtsHeaderLength(byte[] frame) {
    if (frame.length < 7 || (frame[0] & 0xFF) != 0xFF || (frame[1] & 0xF0) != 0xF0) {
      throw new IllegalArgumentException("not an ADTS frame (no 0xFFF syncword)");
    }
    int length = (frame[1] & 0x01) == 1 ? 7 : 9;
    if (frame.length < length) throw new IllegalArgumentException("ADTS frame shorter than its header");
    return length;
  }
}
