package io.ipchls.device.codec;

import java.util.Objects;

/**
 * What a camera's audio is and how {@code putAudio} hands it over.
 *
 * @param codec the codec
 * @param aacConfig for {@link #aacRaw}: the parsed AudioSpecificConfig; null for ADTS and G.711
 */
public record AudioInput(AudioCodec codec, AudioSpecificConfig aacConfig) {
  public AudioInput {
    Objects.requireNonNull(codec, "codec");
    if (aacConfig != null && codec != AudioCodec.AAC) throw new IllegalArgumentException("a config is for AAC only");
  }

  /** AAC in whole ADTS frames (ISO/IEC 13818-7 §6.2), each putAudio one or more frames. */
  public static AudioInput aacAdts() {
    return new AudioInput(AudioCodec.AAC, null);
  }

  /**
   * Raw AAC access units (as an RTP depacketizer or an encoder API gives them), one per putAudio, described by their
   * AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1).
   *
   * @throws IllegalArgumentException if the config cannot be parsed or carried in ADTS
   */
  public static AudioInput aacRaw(byte[] audioSpecificConfig) {
    return new AudioInput(AudioCodec.AAC, AudioSpecificConfig.parse(audioSpecificConfig));
  }

  /** G.711 A-law samples, 8 kHz mono, one byte each. */
  public static AudioInput g711Alaw() {
    return new AudioInput(AudioCodec.G711_ALAW, null);
  }

  /** G.711 µ-law samples, 8 kHz mono, one byte each. */
  public static AudioInput g711Ulaw() {
    return new AudioInput(AudioCodec.G711_ULAW, null);
  }

  /** True for raw AAC access units that need an ADTS header before they go into MPEG-TS. */
  public boolean isAacRaw() {
    return aacConfig != null;
  }
}
