package io.ipchls.device.sim;

/**
 * The thread that hands a simulated source's frames out in real time, and the flag it runs by. How to wait for it
 * to end stays with each source: the encoder's thread is interrupted out of its park, the file reader's is not (an
 * interrupt would close the file's channel under it) and may close its own source at the end of the file.
 */
final class PacingThread {
  private volatile boolean running;
  private Thread thread;

  /** Starts {@code body} on a daemon thread called {@code name}. */
  synchronized void start(String name, Runnable body) {
    running = true;
    thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  synchronized boolean started() {
    return thread != null;
  }

  /** False once {@link #stop()} was called: the body's loop ends at its next check. */
  boolean running() {
    return running;
  }

  /** Tells the body to end; returns its thread to wait for, or null when it never started. */
  synchronized Thread stop() {
    running = false;
    return thread;
  }
}
