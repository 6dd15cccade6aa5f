package io.ipchls.device.sim;

import io.ipchls.device.flac.G711;
import java.util.Random;

/**
 * A G.711 audio source for the simulator and the demo, made in Java (no file): a 440 Hz tone with a little noise,
 * 8 kHz mono, compressed to A-law or µ-law. Chunks follow each other without a gap; {@link #ptsMicros} of a chunk is
 * the time of its first sample since the source began.
 */
public final class G711Tone {
  public static final int SAMPLE_RATE = 8_000;
  private static final double FREQUENCY = 440;
  private static final double AMPLITUDE = 8_000;
  private static final double NOISE = 400;

  private final G711.Law law;
  private final Random noise = new Random(711);
  private long samples;

  public G711Tone(G711.Law law) {
    this.law = law;
  }

  /** The next {@code count} samples, one byte each. */
  public byte[] next(int count) {
    short[] pcm = new short[count];
    for (int i = 0; i < count; i++) {
      double t = (samples + i) / (double) SAMPLE_RATE;
      pcm[i] = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * FREQUENCY * t) + NOISE * noise.nextGaussian());
    }
    samples += count;
    return G711.encode(law, pcm);
  }

  /** The time of the next chunk's first sample, in microseconds from the first. */
  public long ptsMicros() {
    return samples * 1_000_000L / SAMPLE_RATE;
  }
}
