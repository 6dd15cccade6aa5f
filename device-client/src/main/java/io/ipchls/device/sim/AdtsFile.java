package io.ipchls.device.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An AAC file in ADTS form ({@code ffmpeg -c:a aac -f adts}) split into its frames, each 1024 samples long
 * (ISO/IEC 13818-7 §6.2: one raw data block per frame, as encoders write them).
 *
 * @param frames the ADTS frames, header included
 * @param sampleRate the sampling frequency of the first header
 */
record AdtsFile(List<byte[]> frames, int sampleRate) {
  /** samplingFrequencyIndex → Hz, ISO/IEC 14496-3 Table 1.18. */
  private static final int[] SAMPLE_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
      11025, 8000, 7350};
  /** Samples per AAC frame. */
  static final int SAMPLES_PER_FRAME = 1024;

  /**
   * @throws IllegalArgumentException if the file is not whole ADTS frames, is empty, or larger than 64 MiB
   */
  static AdtsFile read(Path file) throws IOException {
    if (Files.size(file) > 64L * 1024 * 1024) throw new IllegalArgumentException(file + " is larger than 64 MiB");
    byte[] all = Files.readAllBytes(file);
    List<byte[]> frames = new ArrayList<>();
    for (int pos = 0; pos < all.length; ) {
      if (all.length - pos < 7 || (all[pos] & 0xFF) != 0xFF || (all[pos + 1] & 0xF6) != 0xF0) {
        throw new IllegalArgumentException(file + ": no ADTS syncword at byte " + pos + " (an .aac file in ADTS form "
            + "is needed)");
      }
      int length = ((all[pos + 3] & 0x03) << 11) | ((all[pos + 4] & 0xFF) << 3) | ((all[pos + 5] & 0xE0) >>> 5);
      if (length < 7 || pos + length > all.length) throw new IllegalArgumentException(file + ": truncated ADTS frame");
      frames.add(Arrays.copyOfRange(all, pos, pos + length));
      pos += length;
    }
    if (frames.isEmpty()) throw new IllegalArgumentException(file + " is empty");
    int index = (frames.get(0)[2] >> 2) & 0x0F;
    if (index >= SAMPLE_RATES.length) throw new IllegalArgumentException(file + ": reserved sampling frequency");
    return new AdtsFile(List.copyOf(frames), SAMPLE_RATES[index]);
  }

  /** Presentation time of frame {@code n} counted from the start (looping continues the count), microseconds. */
  long ptsMicros(long n) {
    return n * SAMPLES_PER_FRAME * 1_000_000L / sampleRate;
  }
}
