package io.ipchls.ingest.control;

import io.ipchls.ingest.shared.IngestPools;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * Recording control (templates, tasks, record files, recording events, index files) on one ingest instance: the
 * camera link and the job as verticles, and the handlers of its admin API.
 */
public final class RecordingControl {
  private final ControlConfig config;
  private final IngestPools pools;
  private final MeterRegistry registry;
  private final CameraControlVerticle cameras;

  public RecordingControl(ControlConfig config, IngestPools pools, MeterRegistry registry) {
    this.config = config;
    this.pools = pools;
    this.registry = registry;
    this.cameras = new CameraControlVerticle(config, pools, registry);
  }

  public Future<?> deploy(Vertx vertx) {
    return vertx.deployVerticle(cameras)
        .compose(id -> vertx.deployVerticle(new RecordingControlVerticle(config, pools, registry)));
  }

  /** The admin API's handlers, on the HTTP verticle's pool. */
  public RecordingControlHandlers handlers(Pool pool) {
    return new RecordingControlHandlers(pool, cameras, new ReplayUrls(config.playlistBaseUrl()),
        config.defaultRetentionDays());
  }
}
