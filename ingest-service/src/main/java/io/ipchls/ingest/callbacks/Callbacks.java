package io.ipchls.ingest.callbacks;

import io.ipchls.ingest.IngestConfig;
import io.ipchls.ingest.IngestHttpVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callbacks part of ingest-service: the event dispatcher (outbox → MQTT {@code events/recordings} + webhook
 * fan-out) always; with {@code callbacks.masterKey} also the webhook API and the delivery worker.
 */
public final class Callbacks {
  private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);
  private final IngestConfig config;
  private final CallbackMetrics metrics;
  private final WebhookSecrets secrets;

  public Callbacks(IngestConfig config, MeterRegistry registry) {
    this.config = config;
    this.metrics = new CallbackMetrics(registry);
    this.secrets = config.callbacks().webhooksEnabled() ? new WebhookSecrets(config.callbacks().masterKey()) : null;
  }

  /** Adds the webhook API to the admin API when webhooks are on. */
  public Callbacks mountInto(IngestHttpVerticle http) {
    if (secrets != null) http.adminApi(new WebhooksApi(secrets));
    return this;
  }

  public Future<?> deploy(Vertx vertx) {
    CallbacksConfig cb = config.callbacks();
    Future<?> dispatcher = vertx.deployVerticle(new EventDispatcherVerticle(config.db(), config.mqtt(),
        config.mqttClientId() + "-events", cb, metrics));
    if (secrets == null) {
      LOG.warn("no callbacks.masterKey configured: webhooks are OFF (events are still published on MQTT)");
      return dispatcher;
    }
    return dispatcher.compose(id -> vertx.deployVerticle(new WebhookDeliveryVerticle(config.db(), cb, secrets,
        metrics)));
  }
}
