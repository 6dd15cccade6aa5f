package io.ipchls.gateway.rtp;

import java.util.HexFormat;

/**
 * The AAC decoder configuration carried by the SDP's {@code config=} (RFC 3640 §4.1, hex of ISO/IEC 14496-3
 * §1.6.2.1 AudioSpecificConfig), reduced to what an ADTS header can say.
 *
 * @param objectType audioObjectType; with explicit SBR/PS signalling (5, 29) the underlying core type
 * @param samplingIndex samplingFrequencyIndex of the core (0..12)
 * @param channels channelConfiguration (1..7)
 * @param frameLength samples per frame: 1024, or 960 when frameLengthFlag is set (§4.4.3.1 GASpecificConfig)
 */
public record AudioSpecificConfig(int objectType, int samplingIndex, int channels, int frameLength) {
  /** ISO/IEC 14496-3 §1.6.3.4 Table 1.18. */
  static final int[] SAMPLING_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
      8000, 7350};
  static final int SBR = 5;
  static final int PS = 29;

  /**
   * Parses the hex string of the SDP.
   *
   * @throws IllegalArgumentException for a config that is not hex, is truncated, or that ADTS cannot carry
   */
  public static AudioSpecificConfig parseHex(String hex) {
    byte[] b;
    try {
      b = HexFormat.of().parseHex(hex.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("AAC config=" + hex + " is not hexadecimal");
    }
    return parse(b);
  }

  public static AudioSpecificConfig parse(byte[] b) {
    Bits bits = new Bits(b);
    int objectType = objectType(bits);
    int samplingIndex = samplingIndex(bits);
    int channels = bits.read(4);
    if (objectType == SBR || objectType == PS) { // §1.6.2.1: extensionSamplingFrequencyIndex, then the core
      samplingIndex(bits);
      objectType = objectType(bits);
    }
    int frameLength = 1024;
    if (objectType >= 1 && objectType <= 4) frameLength = bits.read(1) == 1 ? 960 : 1024; // frameLengthFlag
    if (objectType < 1 || objectType > 4) {
      throw new IllegalArgumentException("AAC object type " + objectType + " cannot be carried in ADTS (1..4 only)");
    }
    if (channels < 1 || channels > 7) {
      throw new IllegalArgumentException("AAC channel configuration " + channels + " is not supported (1..7)");
    }
    return new AudioSpecificConfig(objectType, samplingIndex, channels, frameLength);
  }

  public int sampleRate() {
    return SAMPLING_RATES[samplingIndex];
  }

  /** RFC 6381 §3.3 codecs string, e.g. {@code mp4a.40.2}. */
  public String codecString() {
    return "mp4a.40." + objectType;
  }

  /**
   * One raw AAC frame with an ADTS header before it (ISO/IEC 13818-7 §6.2.1 / ISO/IEC 14496-3 §1.A.2.2): 7 bytes,
   * no CRC, MPEG-4 ID, buffer fullness 0x7FF (variable rate), one raw data block.
   */
  public byte[] adts(byte[] raw) {
    int length = raw.length + 7;
    if (length > 0x1FFF) throw new IllegalArgumentException("AAC frame of " + raw.length + " bytes is too long for ADTS");
    int profile = objectType - 1;
    byte[] out = new byte[length];
    out[0] = (byte) 0xFF; // syncword 0xFFF
    out[1] = (byte) 0xF1; // syncword, ID 0 (MPEG-4), layer 00, protection_absent 1
    out[2] = (byte) ((profile << 6) | (samplingIndex << 2) | (channels >> 2)); // private_bit 0
    out[3] = (byte) (((channels & 3) << 6) | (length >> 11)); // original, home, copyright bits 0
    out[4] = (byte) ((length >> 3) & 0xFF);
    out[5] = (byte) (((length & 7) << 5) | 0x1F); // adts_buffer_fullness 0x7FF, high 5 bits
    out[6] = (byte) 0xFC; // buffer fullness low 6 bits, number_of_raw_data_blocks_in_frame 0
    System.arraycopy(raw, 0, out, 7, raw.length);
    return out;
  }

  private static int objectType(Bits bits) {
    int t = bits.read(5);
    return t == 31 ? 32 + bits.read(6) : t; // §1.6.2.1 GetAudioObjectType()
  }

  private static int samplingIndex(Bits bits) {
    int index = bits.read(4);
    if (index == 0xF) {
      int rate = bits.read(24);
      for (int i = 0; i < SAMPLING_RATES.length; i++) {
        if (SAMPLING_RATES[i] == rate) return i;
      }
      throw new IllegalArgumentException("AAC sampling rate " + rate + " Hz has no ADTS index");
    }
    if (index >= SAMPLING_RATES.length) throw new IllegalArgumentException("AAC sampling index " + index + " reserved");
    return index;
  }

  /** MSB-first bit reader over a byte array. */
  static final class Bits {
    private final byte[] b;
    private int bit;

    Bits(byte[] b) {
      this.b = b;
    }

    int read(int n) {
      int v = 0;
      for (int i = 0; i < n; i++) {
        if (bit >= b.length * 8) throw new IllegalArgumentException("truncated (needed more than " + b.length + " bytes)");
        v = (v << 1) | ((b[bit >> 3] >> (7 - (bit & 7))) & 1);
        bit++;
      }
      return v;
    }

    int position() {
      return bit;
    }
  }
}
