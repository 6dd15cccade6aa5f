package io.ipchls.device.codec;

/** The audio codecs the SDK takes. */
public enum AudioCodec {
  /** MPEG-4 AAC (ISO/IEC 14496-3), in ADTS frames or as raw access units with their AudioSpecificConfig. */
  AAC,
  /** ITU-T G.711 A-law: 8 kHz, one byte per sample. */
  G711_ALAW,
  /** ITU-T G.711 µ-law: 8 kHz, one byte per sample. */
  G711_ULAW;

  /** G.711's sampling rate, ITU-T G.711 §1. */
  public static final int G711_SAMPLE_RATE = 8_000;

  public boolean isG711() {
    return this == G711_ALAW || this == G711_ULAW;
  }
}
