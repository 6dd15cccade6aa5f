package io.ipchls.gateway;

import io.ipchls.gateway.config.CameraConfig;
import io.ipchls.gateway.config.GatewayConfig;
import io.ipchls.gateway.record.CameraFactory;
import io.ipchls.gateway.record.CameraRecorder;
import io.ipchls.gateway.record.RecorderStatus;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: one {@link CameraRecorder} per configured camera, all on a small shared set of event loops.
 * {@link #apply} takes a new config without a restart: cameras no longer listed are stopped (their last segment
 * uploaded), new ones started, changed ones restarted; the others keep recording untouched.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  /** The first reconnect waits about this long; later ones back off up to the config's maximum. */
  static final long MIN_BACKOFF_MS = 1_000;
  private final EventLoopGroup group;
  private final Vertx vertx;
  private final Map<String, CameraRecorder> recorders = new LinkedHashMap<>();
  private GatewayConfig shared;

  public Gateway() {
    // RTP demultiplexing is light; two loops serve many cameras and leave the cores to the segmenters and uploads
    this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    // the cameras' MQTT links: non-blocking, so a few threads serve them all (an own Vert.x per camera would not)
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
  }

  /** What a trigger through the status API did. */
  public enum TriggerResult { TRIGGERED, NOT_STREAMING, UNKNOWN_CAMERA }

  /** Triggers event-only recording of camera {@code id} now (nothing happens to a continuously recorded one). */
  public synchronized TriggerResult trigger(String id) {
    CameraRecorder r = recorders.get(id);
    if (r == null) return TriggerResult.UNKNOWN_CAMERA;
    return r.trigger() ? TriggerResult.TRIGGERED : TriggerResult.NOT_STREAMING;
  }

  /** Starts, stops and restarts recorders so that exactly the config's cameras run, as configured. */
  public synchronized void apply(GatewayConfig config) throws InterruptedException {
    boolean restartAll = shared != null && !shared.equals(config.withoutCameras());
    Map<String, CameraConfig> wanted = new LinkedHashMap<>();
    config.cameras().forEach(c -> wanted.put(c.id(), c));
    List<CameraRecorder> stopping = new ArrayList<>();
    recorders.entrySet().removeIf(e -> {
      boolean keep = !restartAll && e.getValue().config().equals(wanted.get(e.getKey()));
      if (!keep) stopping.add(e.getValue());
      return !keep;
    });
    closeAll(stopping);
    shared = config.withoutCameras();
    CameraFactory factory = new CameraFactory(config.mqtt(), config.spoolPath(), config.spoolMegabytes() * 1024L * 1024,
        vertx);
    CameraRecorder.Timing timing = CameraRecorder.Timing.of(Duration.ofSeconds(config.readTimeoutSeconds()),
        MIN_BACKOFF_MS, config.reconnectMaxSeconds() * 1_000L, Duration.ofSeconds(config.authRetrySeconds()));
    for (CameraConfig c : wanted.values()) {
      if (recorders.containsKey(c.id())) continue;
      CameraRecorder r = new CameraRecorder(c, factory, group, timing);
      recorders.put(c.id(), r);
      r.start();
      log.info("{}: started ({})", c.id(), c.safeUrl());
    }
    stopping.forEach(r -> log.info("{}: stopped", r.config().id()));
  }

  public synchronized List<RecorderStatus> status() {
    return recorders.values().stream().map(CameraRecorder::status).toList();
  }

  @Override
  public void close() throws InterruptedException {
    List<CameraRecorder> all;
    synchronized (this) {
      all = new ArrayList<>(recorders.values());
      recorders.clear();
    }
    closeAll(all);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** Stops recorders in parallel: each may spend its drain time uploading its last segment. */
  private static void closeAll(List<CameraRecorder> recorders) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (CameraRecorder r : recorders) {
      Thread t = new Thread(() -> {
        try {
          r.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "gateway-stop-" + r.config().id());
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) t.join();
  }
}
