package io.ipchls.device.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * AAC test audio: {@code fixtures/tone-48k.aac}, 4 s of a 440 Hz tone encoded by
 * {@code ffmpeg -f lavfi -i sine=frequency=440:sample_rate=48000:duration=4 -c:a aac -b:a 64k -f adts}, split into
 * its ADTS frames (1024 samples, 1920 ticks of 90 kHz, each).
 */
public final class Adts {
  /** Duration of one frame on the 90 kHz clock: 1024 samples at 48 kHz. */
  public static final long FRAME_90K = 1920;

  private Adts() {}

  public static List<byte[]> frames() {
    byte[] all;
    try (InputStream in = Adts.class.getResourceAsStream("/fixtures/tone-48k.aac")) {
      all = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<byte[]> frames = new ArrayList<>();
    for (int pos = 0; pos < all.length; ) {
      int length = ((all[pos + 3] & 0x03) << 11) | ((all[pos + 4] & 0xFF) << 3) | ((all[pos + 5] & 0xE0) >>> 5);
      frames.add(Arrays.copyOfRange(all, pos, pos + length));
      pos += length;
    }
    return frames;
  }

  public static byte[] silentFrame() {
    return frames().get(0);
  }
}
