package io.ipchls.device.codec;

import io.ipchls.device.h264.BitReader;

/**
 * The first fields of an MPEG-4 AudioSpecificConfig, ISO/IEC 14496-3 §1.6.2.1: enough to write ADTS headers for raw
 * AAC access units (§1.A.2.2.1 maps them one to one) and an RFC 6381 codec string.
 *
 * @param audioObjectType 2 for AAC LC, 5 SBR, 29 PS ... (Table 1.1)
 * @param samplingFrequencyIndex index into Table 1.18 (0..12)
 * @param sampleRate the sampling frequency in Hz
 * @param channelConfiguration 1..7 (Table 1.19); 0 (channels in a program_config_element) is refused
 */
public record AudioSpecificConfig(int audioObjectType, int samplingFrequencyIndex, int sampleRate,
    int channelConfiguration) {
  /** samplingFrequencyIndex → Hz, §1.6.3.4 Table 1.18. */
  private static final int[] SAMPLE_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
      11025, 8000, 7350};
  /** The ADTS header without CRC (protection_absent = 1), ISO/IEC 13818-7 §6.2.1 / ISO/IEC 14496-3 §1.A.2.2. */
  public static final int ADTS_HEADER = 7;
  /** aac_frame_length is 13 bits. */
  private static final int MAX_ADTS_FRAME = (1 << 13) - 1;

  /**
   * Parses an AudioSpecificConfig (as in an {@code esds} box or SDP {@code config=}).
   *
   * @throws IllegalArgumentException if it is shorter than 2 bytes or cannot be carried in ADTS: an object type
   *     above 4 (ADTS's 2-bit profile holds types 1..4), an explicit frequency (index 15) or channelConfiguration 0
   */
  public static AudioSpecificConfig parse(byte[] asc) {
    if (asc == null || asc.length < 2) throw new IllegalArgumentException("AudioSpecificConfig shorter than 2 bytes");
    BitReader r = new BitReader(asc, 0);
    int objectType = r.u(5);
    if (objectType == 31) objectType = 32 + r.u(6); // audioObjectTypeExt, §1.6.2.1 GetAudioObjectType()
    int frequencyIndex = r.u(4);
    if (frequencyIndex == 15) {
      throw new IllegalArgumentException("AudioSpecificConfig with an explicit sampling frequency: ADTS cannot say it");
    }
    if (frequencyIndex >= SAMPLE_RATES.length) {
      throw new IllegalArgumentException("reserved samplingFrequencyIndex " + frequencyIndex);
    }
    int channels = r.u(4);
    if (objectType < 1 || objectType > 4) {
      throw new IllegalArgumentException("audio object type " + objectType + " cannot be carried in ADTS (only "
          + "AAC Main, LC, SSR, LTP: types 1..4; HE-AAC streams must be signalled implicitly as type 2)");
    }
    if (channels == 0 || channels > 7) {
      throw new IllegalArgumentException("channelConfiguration " + channels + " is not supported (1..7)");
    }
    return new AudioSpecificConfig(objectType, frequencyIndex, SAMPLE_RATES[frequencyIndex], channels);
  }

  /** The RFC 6381 codec string, {@code mp4a.40.<audioObjectType>} (RFC 6381 §3.3). */
  public String codecString() {
    return "mp4a.40." + audioObjectType;
  }

  /**
   * One raw AAC access unit wrapped in an ADTS header, ISO/IEC 14496-3 §1.A.2.2.1 (adts_fixed_header and
   * adts_variable_header): MPEG-4 ID, no CRC, profile = object type − 1, one raw data block.
   *
   * @throws IllegalArgumentException if the access unit is empty or too long for aac_frame_length
   */
  public byte[] toAdts(byte[] rawAccessUnit) {
    if (rawAccessUnit == null || rawAccessUnit.length == 0) throw new IllegalArgumentException("empty AAC frame");
    int length = ADTS_HEADER + rawAccessUnit.length;
    if (length > MAX_ADTS_FRAME) throw new IllegalArgumentException("AAC frame of " + rawAccessUnit.length
        + " bytes is longer than ADTS allows");
    byte[] f = new byte[length];
    f[0] = (byte) 0xFF; // syncword 0xFFF
    f[1] = (byte) 0xF1; // syncword, ID 0 (MPEG-4), layer 00, protection_absent 1
    f[2] = (byte) (((audioObjectType - 1) << 6) | (samplingFrequencyIndex << 2) | (channelConfiguration >> 2));
    f[3] = (byte) (((channelConfiguration & 3) << 6) | (length >> 11)); // original/copy, home, copyright bits 0
    f[4] = (byte) (length >> 3);
    f[5] = (byte) (((length & 7) << 5) | 0x1F); // adts_buffer_fullness 0x7FF (variable bit rate)
    f[6] = (byte) 0xFC; // buffer fullness, number_of_raw_data_blocks_in_frame 0 (one block)
    System.arraycopy(rawAccessUnit, 0, f, ADTS_HEADER, rawAccessUnit.length);
    return f;
  }
}
