package io.ipchls.device.segment;

/**
 * One or more AAC frames in ADTS form (ISO/IEC 13818-7 §6.2), timestamped on the 90 kHz clock of the video.
 *
 * @param adts whole ADTS frames, each beginning with the syncword 0xFFF and as long as its aac_frame_length says
 * @param pts90k presentation time of the first frame
 */
public record AudioFrame(byte[] adts, long pts90k) {
  /** Shortest ADTS header (protection_absent = 1). */
  static final int ADTS_HEADER = 7;

  public AudioFrame {
    requireAdts(adts);
  }

  /** Throws {@link IllegalArgumentException} unless {@code b} is a sequence of whole ADTS frames. */
  static void requireAdts(byte[] b) {
    if (b == null || b.length < ADTS_HEADER) throw new IllegalArgumentException("ADTS frame shorter than its header");
    int pos = 0;
    while (pos < b.length) {
      if (b.length - pos < ADTS_HEADER || (b[pos] & 0xFF) != 0xFF || (b[pos + 1] & 0xF6) != 0xF0) {
        throw new IllegalArgumentException("no ADTS syncword at byte " + pos); // syncword + layer '00'
      }
      // aac_frame_length: 13 bits across bytes 3..5, header included (§6.2.1)
      int length = ((b[pos + 3] & 0x03) << 11) | ((b[pos + 4] & 0xFF) << 3) | ((b[pos + 5] & 0xE0) >>> 5);
      if (length < ADTS_HEADER || pos + length > b.length) {
        throw new IllegalArgumentException("truncated ADTS frame at byte " + pos);
      }
      pos += length;
    }
  }
}
