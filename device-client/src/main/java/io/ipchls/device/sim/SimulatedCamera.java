package io.ipchls.device.sim;

import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.segment.Frame;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.scale.AWTUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera without a sensor: draws a moving test picture with the current UTC time (Java2D, headless), encodes it
 * with jcodec's pure-Java H.264 encoder (an IDR every {@code keyFrameInterval} frames, P-frames between) and hands
 * each access unit to a consumer, typically {@code camera::putFrame}.
 *
 * <p>{@link #start()} runs a pacing thread: frame i is due at start + i / fps on the monotonic clock, and its
 * timestamp is the monotonic time it was actually captured, relative to the start. A frame that is late by more
 * than one interval is skipped (the timestamps show the gap). {@link #generate(int)} makes frames as fast as
 * possible with ideal timestamps, for tests and benchmarks.
 */
public final class SimulatedCamera implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedCamera.class);

  private final int fps;
  private final Consumer<Frame> sink;
  private final TestPattern pattern;
  private final H264Encoder encoder = H264Encoder.createH264Encoder();
  private ByteBuffer buffer;
  private long index;
  private long skipped;
  private final PacingThread pacing = new PacingThread();
  private volatile Consumer<byte[]> thumbnails;

  /**
   * @param width picture width (any; jcodec pads to macroblocks and crops in the SPS)
   * @param height picture height
   * @param fps frames per second, 1..60
   * @param keyFrameInterval frames per GOP, e.g. 45 at 15 fps for a key frame every 3 s
   * @param label text drawn under the clock, e.g. the camera id
   * @param sink receives each encoded access unit
   */
  public SimulatedCamera(int width, int height, int fps, int keyFrameInterval, String label, Consumer<Frame> sink) {
    if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("width and height must be even and >= 16");
    }
    if (fps < 1 || fps > 60) throw new IllegalArgumentException("fps must be 1..60");
    if (keyFrameInterval < 1) throw new IllegalArgumentException("keyFrameInterval must be >= 1");
    this.fps = fps;
    this.sink = sink;
    this.pattern = new TestPattern(width, height, label);
    this.encoder.setKeyInterval(keyFrameInterval);
  }

  /**
   * Also hands a small JPEG of each key frame's picture ({@link JpegThumbnail}) to {@code sink}, right after the key
   * frame went to the frame consumer: typically {@code camera::putThumbnail}. Null stops it.
   */
  public SimulatedCamera thumbnails(Consumer<byte[]> sink) {
    this.thumbnails = sink;
    return this;
  }

  /** Starts the real-time pacing thread. */
  public synchronized void start() {
    if (pacing.started()) throw new IllegalStateException("already started");
    pacing.start("simulated-camera", this::run);
  }

  /** Encodes {@code frames} frames back to back with timestamps i / fps, on the calling thread. */
  public void generate(int frames) {
    for (int i = 0; i < frames; i++) {
      long ptsMicros = index * 1_000_000L / fps;
      encode(ptsMicros, System.currentTimeMillis());
    }
  }

  /** Frames skipped because encoding fell behind real time. */
  public long skippedFrames() {
    return skipped;
  }

  @Override
  public void close() throws InterruptedException {
    Thread t = pacing.stop();
    if (t != null) {
      t.interrupt();
      t.join(TimeUnit.SECONDS.toMillis(5));
    }
  }

  private void run() {
    long intervalNanos = 1_000_000_000L / fps;
    long startNanos = System.nanoTime();
    long startWallMs = System.currentTimeMillis();
    long slot = 0;
    while (pacing.running() && !Thread.currentThread().isInterrupted()) {
      long due = startNanos + slot * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
        continue;
      }
      if (-wait > intervalNanos) { // more than a frame late: drop this slot rather than drift
        slot++;
        skipped++;
        continue;
      }
      // timestamp = the slot's nominal capture time, as a camera's frame clock gives it (skipped slots stay gaps)
      long capturedNanos = slot * intervalNanos;
      try {
        encode(capturedNanos / 1_000, startWallMs + capturedNanos / 1_000_000);
      } catch (RuntimeException e) {
        LOG.error("simulated camera stopped", e);
        return;
      }
      slot++;
    }
  }

  private void encode(long ptsMicros, long wallClockMs) {
    BufferedImage image = pattern.render(index, wallClockMs);
    Picture picture = AWTUtil.fromBufferedImage(image, ColorSpace.YUV420J);
    if (buffer == null) buffer = ByteBuffer.allocate(encoder.estimateBufferSize(picture));
    buffer.clear();
    // encodeFrame, not encodePFrame: jcodec 0.2.5's encodePFrame passes idr=true and logs a warning per frame
    ByteBuffer encoded = encoder.encodeFrame(picture, buffer).getData();
    byte[] annexB = new byte[encoded.remaining()];
    encoded.get(annexB);
    List<byte[]> nals = AnnexB.split(annexB);
    index++;
    Frame frame = Frame.of(nals, Frame.micros90k(ptsMicros));
    sink.accept(frame);
    Consumer<byte[]> thumbs = thumbnails;
    if (thumbs != null && frame.key()) thumbs.accept(JpegThumbnail.of(image));
  }
}
