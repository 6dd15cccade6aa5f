package io.ipchls.device.testing;

import io.ipchls.device.segment.Frame;
import io.ipchls.device.sim.SimulatedCamera;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Feeds a camera in real time without encoding on the fly: one GOP of the simulated camera's H.264 (an IDR and
 * P-frames, a valid stream when repeated) is encoded once and replayed with ideal timestamps i / fps, paced by the
 * monotonic clock. Frame i of the replay is due at start + i / fps; its timestamp does not depend on when it is
 * actually delivered, so segment boundaries and durations are exact even on a loaded machine.
 */
public final class FrameFeeder implements AutoCloseable {
  private final List<Frame> gop;
  private final int fps;
  private final Consumer<Frame> sink;
  private volatile boolean running;
  private volatile long delivered;
  private Thread thread;

  /** @param gopFrames frames per GOP: fps × segment seconds gives segments of exactly that duration */
  public FrameFeeder(int width, int height, int fps, int gopFrames, Consumer<Frame> sink) {
    this.fps = fps;
    this.sink = sink;
    List<Frame> frames = new ArrayList<>();
    new SimulatedCamera(width, height, fps, gopFrames, "feeder", frames::add).generate(gopFrames);
    this.gop = List.copyOf(frames);
  }

  /** Frame {@code i} of the endless replay, timestamped i / fps. */
  public Frame frame(long i) {
    return Frame.of(gop.get((int) (i % gop.size())).nals(), Frame.micros90k(i * 1_000_000L / fps));
  }

  public FrameFeeder start() {
    running = true;
    thread = new Thread(this::run, "frame-feeder");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Frames handed to the sink so far. */
  public long delivered() {
    return delivered;
  }

  private void run() {
    long start = System.nanoTime();
    for (long i = 0; running; i++) {
      long wait = start + i * 1_000_000_000L / fps - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(wait);
      if (!running) return;
      sink.accept(frame(i));
      delivered = i + 1;
    }
  }

  /** Stops after the frame in progress. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    if (thread != null) thread.join(10_000);
  }
}
