package io.ipchls.device.sim;

import io.ipchls.device.h264.AccessUnitSplitter;
import io.ipchls.device.h264.AnnexBReader;
import io.ipchls.device.segment.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Streams an H.264 Annex-B file ({@code .h264}, e.g. from {@code ffmpeg -c:v libx264 -bsf:v h264_mp4toannexb -f h264})
 * as a camera would: access unit i gets timestamp i / fps and is delivered at that time on the monotonic clock,
 * optionally looping. The file must have no B-frames (cameras' baseline/main streams): timestamps are in decoding order.
 */
public final class H264FileSource implements AutoCloseable {
  private final Path file;
  private final int fps;
  private final boolean loop;
  private final Consumer<Frame> sink;
  private final PacingThread pacing = new PacingThread();
  private long index;

  public H264FileSource(Path file, int fps, boolean loop, Consumer<Frame> sink) {
    if (fps < 1 || fps > 120) throw new IllegalArgumentException("fps must be 1..120");
    if (!Files.isReadable(file)) throw new IllegalArgumentException("cannot read " + file);
    this.file = file;
    this.fps = fps;
    this.loop = loop;
    this.sink = sink;
  }

  /** Starts the pacing thread; {@code onEnd} runs when the file ends (never with loop). */
  public synchronized void start(Runnable onEnd) {
    pacing.start("h264-file", () -> {
      try {
        do {
          playOnce();
        } while (loop && pacing.running());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        onEnd.run();
      }
    });
  }

  private void playOnce() throws IOException {
    long start = System.nanoTime() - index * 1_000_000_000L / fps;
    AnnexBReader reader = new AnnexBReader();
    AccessUnitSplitter splitter = new AccessUnitSplitter();
    byte[] chunk = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; pacing.running() && (n = in.read(chunk)) > 0; ) {
        for (byte[] nal : reader.feed(chunk, 0, n)) deliver(splitter.add(nal), start);
      }
    }
    for (byte[] nal : reader.flush()) deliver(splitter.add(nal), start);
    deliver(splitter.flush(), start);
  }

  private void deliver(List<byte[]> accessUnit, long start) {
    if (accessUnit == null || !pacing.running()) return;
    long wait = start + index * 1_000_000_000L / fps - System.nanoTime();
    if (wait > 0) LockSupport.parkNanos(wait);
    sink.accept(Frame.of(accessUnit, Frame.micros90k(index * 1_000_000L / fps)));
    index++;
  }

  @Override
  public void close() throws InterruptedException {
    Thread t = pacing.stop();
    if (t != null && t != Thread.currentThread()) t.join(5_000);
  }
}
