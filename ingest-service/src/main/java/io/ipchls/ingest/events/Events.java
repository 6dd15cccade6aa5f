package io.ipchls.ingest.events;

import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.indexing.IndexingConfig;
import io.ipchls.ingest.shared.IngestPools;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * The events sub-domain as ingest-service deploys it: the MQTT listener (session
 * {@code <mqttClientId>-camera-events}; the indexing's broker, held-message bound and future skew) and the HTTP
 * handlers made on the HTTP verticle's pool.
 */
public final class Events {
  private final IndexingConfig indexing;
  private final IngestMetrics metrics;
  private final EventListenerVerticle listener;

  public Events(IndexingConfig indexing, IngestPools pools, IngestMetrics metrics) {
    this.indexing = indexing;
    this.metrics = metrics;
    this.listener = new EventListenerVerticle(indexing.mqtt(), indexing.mqttClientId() + "-camera-events",
        indexing.maxHeldPerConnection(), indexing.maxFutureSkewSeconds(), pools, metrics);
  }

  public Future<String> deploy(Vertx vertx) {
    return vertx.deployVerticle(listener);
  }

  public EventHandlers handlers(Pool pool) {
    return new EventHandlers(pool, indexing.maxFutureSkewSeconds(), metrics);
  }

  public boolean isMqttConnected() {
    return listener.isMqttConnected();
  }
}
