package io.ipchls.ingest.control;

import io.ipchls.ingest.IngestConfig;
import io.ipchls.ingest.IngestHttpVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Recording control (templates, tasks, record files, recording events, index files) on one ingest instance: the
 * camera link and the job as verticles, the API mounted into the admin HTTP API.
 */
public final class RecordingControl {
  private RecordingControl() {}

  /** Deploys the verticles and adds the API to {@code http} (call before {@code http} is deployed). */
  public static Future<?> deploy(Vertx vertx, IngestConfig config, MeterRegistry registry,
      IngestHttpVerticle http) {
    CameraControlVerticle control = new CameraControlVerticle(config, registry);
    http.adminApi(new RecordingControlApi(config, control));
    return vertx.deployVerticle(control)
        .compose(id -> vertx.deployVerticle(new RecordingControlVerticle(config, registry)));
  }
}
