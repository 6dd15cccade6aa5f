package io.ipchls.ingest;

import io.ipchls.ingest.IngestHttpVerticle.AdminParts;
import io.ipchls.ingest.callbacks.Callbacks;
import io.ipchls.ingest.control.RecordingControl;
import io.ipchls.ingest.events.Events;
import io.ipchls.ingest.usage.Usage;
import io.ipchls.ingest.indexing.SegmentListenerVerticle;
import io.ipchls.ingest.retention.PartitionMaintenanceVerticle;
import io.ipchls.ingest.retention.RetentionSweepVerticle;
import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.kit.db.Database;
import io.ipchls.kit.http.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one ingest-service instance onto a (clustered) Vert.x: schema first, then partition upkeep and retention,
 * indexing (the MQTT listener), events, callbacks, recording control, and HTTP. Each sub-domain gets its own settings
 * and the one pool factory.
 */
public final class IngestService {
  private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
  public static final String SCHEMA = "ingest";

  /** What a started instance exposes (tests read the HTTP port when it was configured as 0). */
  public record Running(int httpPort) {}

  private IngestService() {}

  public static Future<Void> deploy(Vertx vertx, IngestConfig config) {
    return start(vertx, config).mapEmpty();
  }

  public static Future<Running> start(Vertx vertx, IngestConfig config) {
    LOG.info("starting ingest-service with {}", config);
    Metrics metrics = new Metrics();
    IngestMetrics ingestMetrics = new IngestMetrics(metrics.registry());
    IngestPools pools = new IngestPools(config.db());
    var listener = new SegmentListenerVerticle(config.indexing(), pools, ingestMetrics);
    var callbacks = new Callbacks(config.callbacks(), config.mqtt(), config.mqttClientId(), pools, metrics.registry());
    var control = new RecordingControl(config.control(), pools, metrics.registry());
    var events = new Events(config.indexing(), pools, ingestMetrics);
    var usage = new Usage(config.usage(), pools, metrics.registry());
    var http = new IngestHttpVerticle(config.http(), config.adminTokenSha256(), pools, metrics,
        () -> listener.isMqttConnected() && events.isMqttConnected(), new AdminParts(control, callbacks, events, usage))
        .opsStats(ingestMetrics::stats);
    return Database.migrate(vertx, config.db(), SCHEMA)
        .compose(v -> vertx.deployVerticle(new PartitionMaintenanceVerticle(pools)))
        .compose(id -> deployRetention(vertx, config, pools, ingestMetrics))
        .compose(id -> vertx.deployVerticle(listener))
        .compose(id -> events.deploy(vertx))
        .compose(id -> callbacks.deploy(vertx))
        .compose(id -> control.deploy(vertx))
        .compose(id -> usage.deploy(vertx))
        .compose(id -> vertx.deployVerticle(http))
        .map(id -> new Running(http.port()));
  }

  /** The sweeper needs the service's own key to the bucket; without one, retention is off (said once, loudly). */
  private static Future<?> deployRetention(Vertx vertx, IngestConfig config, IngestPools pools,
      IngestMetrics metrics) {
    if (!config.retention().enabled()) {
      LOG.warn("no s3.accessKeyId/secretAccessKey configured: retention is OFF, expired segments are kept");
      return Future.succeededFuture();
    }
    return vertx.deployVerticle(new RetentionSweepVerticle(config.retention(), pools, metrics));
  }
}
