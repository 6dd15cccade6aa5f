package io.ipchls.device.sim;

import io.ipchls.device.flac.G711;
import java.util.Random;
import java.util.function.BiConsumer;

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
  private static final int CHUNK = SAMPLE_RATE / 50;

  private long samples;
  private long origin = Long.MIN_VALUE;

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

  /**
   * Hands over 20 ms chunks (an RTP packet's worth) until the audio has caught up with a video frame at
   * {@code videoPtsMicros}: for feeding audio alongside video from the video's callback. The first call's time is the
   * audio's start.
   *
   * @param sink takes each chunk and its time in microseconds, on the video's clock
   */
  public void feedUntil(long videoPtsMicros, BiConsumer<byte[], Long> sink) {
    if (origin == Long.MIN_VALUE) origin = videoPtsMicros;
    while (origin + ptsMicros() <= videoPtsMicros) {
      long pts = origin + ptsMicros();
      sink.accept(next(CHUNK), pts);
    }
  }

  /** The time of the next chunk's first sample, in microseconds from the first. */
  public long ptsMicros() {
    return samples * 1_000_000L / SAMPLE_RATE;
  }
}
