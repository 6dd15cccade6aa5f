package io.ipchls.device.agent;

import io.ipchls.device.segment.Frame;
import io.ipchls.device.segment.Segment;
import io.ipchls.device.segment.Segmenter;
import io.ipchls.protocol.CameraIds;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera: feed it H.264 access units and it cuts them into MPEG-TS segments, uploads them to object storage
 * with temporary credentials obtained over MQTT, and announces each stored segment.
 *
 * <pre>{@code
 * Camera camera = Camera.builder().cameraId("cam-1").secret(secret).mqtt("broker", 1883).segmentSeconds(3).build();
 * camera.start();
 * camera.putFrame(frame);   // from the encoder thread
 * camera.close();           // flushes the last segment, drains the queue for a while, goes offline
 * }</pre>
 *
 * Cameras share nothing: several can run in one JVM (optionally on one {@link Vertx}).
 */
public final class Camera implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Camera.class);

  private final String cameraId;
  private final boolean ownsVertx;
  private final Vertx vertx;
  private final DeviceAgent agent;
  private final UploadQueue queue;
  private final Segmenter segmenter;
  private final SegmentUploadLoop uploads;
  private final Thread uploadThread;
  private final long drainMillis;
  private boolean started;
  private boolean closed;

  private Camera(Builder b) {
    this.cameraId = b.cameraId;
    this.ownsVertx = b.vertx == null;
    this.vertx = ownsVertx ? Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)) : b.vertx;
    this.agent = new DeviceAgent(vertx, new DeviceAgent.AgentSettings(b.cameraId, b.secret, b.host, b.port, b.tls));
    this.queue = new UploadQueue(b.queueBytes);
    this.segmenter = new Segmenter(b.segmentMillis, b.clock, this::enqueue);
    this.uploads = new SegmentUploadLoop(b.cameraId, queue, agent);
    this.uploadThread = new Thread(uploads, "upload-" + b.cameraId);
    this.uploadThread.setDaemon(true);
    this.drainMillis = b.drainMillis;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String cameraId() {
    return cameraId;
  }

  /** Connects to the broker and starts the upload thread. Frames may be put before the connection is up. */
  public synchronized void start() {
    if (started || closed) throw new IllegalStateException("camera already started or closed");
    started = true;
    agent.start();
    uploadThread.start();
  }

  /** Adds the next access unit, in decoding order. Never blocks on the network. */
  public synchronized void putFrame(Frame frame) {
    if (closed) throw new IllegalStateException("camera is closed");
    segmenter.push(frame);
  }

  /** Adds an Annex-B access unit with its presentation time in microseconds (no B-frames: pts = dts). */
  public void putFrame(byte[] annexBAccessUnit, long ptsMicros) {
    putFrame(Frame.fromAnnexB(annexBAccessUnit, ptsMicros));
  }

  /** The camera's counters now. */
  public CameraMetrics metrics() {
    return new CameraMetrics(uploads.uploaded.get(), uploads.bytes.get(), queue.dropped() + uploads.refused.get(),
        uploads.failures.get(), uploads.notifyFailures.get(), agent.rejectedCount(), queue.bytes());
  }

  /**
   * Ends the open segment, gives the upload thread up to the builder's drain time to empty the queue, publishes
   * the offline status and disconnects.
   */
  @Override
  public void close() throws InterruptedException {
    synchronized (this) {
      if (closed) return;
      closed = true;
      segmenter.flush();
      queue.close();
    }
    if (started) {
      uploadThread.join(drainMillis);
      if (uploadThread.isAlive()) {
        LOG.warn("camera {}: closing with {} segment(s) not uploaded", cameraId, queue.size());
        uploadThread.interrupt();
        uploadThread.join(TimeUnit.SECONDS.toMillis(5));
      }
      try {
        agent.close().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        LOG.warn("camera {}: unclean MQTT close: {}", cameraId, e.toString());
      }
    }
    if (ownsVertx) vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private void enqueue(Segment s) {
    int dropped = queue.offer(s);
    if (dropped > 0) LOG.warn("camera {}: upload queue full, dropped {} old segment(s)", cameraId, dropped);
  }

  /** Builds a {@link Camera}; camera id, secret and MQTT address are required. */
  public static final class Builder {
    private String cameraId;
    private String secret;
    private String host;
    private int port = 1883;
    private boolean tls;
    private long segmentMillis = 3_000;
    private long queueBytes = 4L * 1024 * 1024;
    private long drainMillis = 10_000;
    private Vertx vertx;
    private LongSupplier clock = System::currentTimeMillis;

    private Builder() {}

    public Builder cameraId(String id) {
      this.cameraId = CameraIds.require(id);
      return this;
    }

    public Builder secret(String secret) {
      this.secret = secret;
      return this;
    }

    public Builder mqtt(String host, int port) {
      if (port < 1 || port > 65535) throw new IllegalArgumentException("MQTT port must be 1..65535");
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /** Connect to the broker over TLS (certificates verified). Default off. */
    public Builder mqttTls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /** Target segment duration, 1..60 s (default 3); segments are cut at the first key frame after it. */
    public Builder segmentSeconds(int seconds) {
      return segmentMillis(seconds * 1_000L);
    }

    public Builder segmentMillis(long millis) {
      if (millis < Segmenter.MIN_TARGET_MS || millis > Segmenter.MAX_TARGET_MS) {
        throw new IllegalArgumentException("segment duration must be 1..60 s");
      }
      this.segmentMillis = millis;
      return this;
    }

    /** Memory for segments waiting for upload (default 4 MiB); the oldest are dropped beyond it. */
    public Builder queueBytes(long bytes) {
      if (bytes < 64 * 1024) throw new IllegalArgumentException("queue budget must be at least 64 KiB");
      this.queueBytes = bytes;
      return this;
    }

    /** How long {@link Camera#close()} waits for queued segments to upload (default 10 s). */
    public Builder drainMillis(long millis) {
      this.drainMillis = Math.max(0, millis);
      return this;
    }

    /** Share a Vert.x instance (the camera will not close it). Default: a small one of its own. */
    public Builder vertx(Vertx vertx) {
      this.vertx = vertx;
      return this;
    }

    /** The wall clock (UTC epoch ms) read once to date the first frame. */
    public Builder clock(LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public Camera build() {
      if (cameraId == null || secret == null || host == null) {
        throw new IllegalStateException("cameraId, secret and mqtt(host, port) are required");
      }
      return new Camera(this);
    }
  }
}
