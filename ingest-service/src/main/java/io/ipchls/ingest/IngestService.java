package io.ipchls.ingest;

import io.ipchls.ingest.db.PartitionMaintenanceVerticle;
import io.ipchls.ingest.http.IngestHttpVerticle;
import io.ipchls.ingest.mqtt.SegmentListenerVerticle;
import io.ipchls.kit.db.Database;
import io.ipchls.kit.http.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one ingest-service instance onto a (clustered) Vert.x: schema first, then partition upkeep, the MQTT
 * listener, and HTTP.
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
    var listener = new SegmentListenerVerticle(config, new IngestMetrics(metrics.registry()));
    var http = new IngestHttpVerticle(config, metrics, listener::isMqttConnected);
    return Database.migrate(vertx, config.db(), SCHEMA)
        .compose(v -> vertx.deployVerticle(new PartitionMaintenanceVerticle(config.db())))
        .compose(id -> vertx.deployVerticle(listener))
        .compose(id -> vertx.deployVerticle(http))
        .map(id -> new Running(http.port()));
  }
}
