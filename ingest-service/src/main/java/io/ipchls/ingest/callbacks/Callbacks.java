package io.ipchls.ingest.callbacks;

import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.kit.config.MqttConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callbacks part of ingest-service: the event dispatcher (outbox → MQTT {@code events/recordings} + webhook
 * fan-out) always; with {@code callbacks.masterKey} also the webhook API and the delivery worker.
 */
public final class Callbacks {
  private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);
  private final CallbacksConfig config;
  private final MqttConfig mqtt;
  private final String mqttClientId;
  private final IngestPools pools;
  private final CallbackMetrics metrics;
  private final WebhookSecrets secrets;

  /** @param mqttClientId the service's client id; the dispatcher's session is {@code <id>-events} */
  public Callbacks(CallbacksConfig config, MqttConfig mqtt, String mqttClientId, IngestPools pools,
      MeterRegistry registry) {
    this.config = config;
    this.mqtt = mqtt;
    this.mqttClientId = mqttClientId;
    this.pools = pools;
    this.metrics = new CallbackMetrics(registry);
    this.secrets = config.webhooksEnabled() ? new WebhookSecrets(config.masterKey()) : null;
  }

  /** The webhook API's handlers on the HTTP verticle's pool; empty when webhooks are off. */
  public Optional<WebhookHandlers> webhookHandlers(Pool pool) {
    return Optional.ofNullable(secrets).map(s -> new WebhookHandlers(pool, s, config.targets()));
  }

  public Future<?> deploy(Vertx vertx) {
    Future<?> dispatcher = vertx.deployVerticle(new EventDispatcherVerticle(pools, mqtt, mqttClientId + "-events",
        config, metrics));
    if (secrets == null) {
      LOG.warn("no callbacks.masterKey configured: webhooks are OFF (events are still published on MQTT)");
      return dispatcher;
    }
    return dispatcher.compose(id -> vertx.deployVerticle(new WebhookDeliveryVerticle(pools, config, secrets,
        metrics)));
  }
}
