package io.ipchls.ingest.mqtt;

import io.ipchls.ingest.IngestConfig;
import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.db.SegmentRepository;
import io.ipchls.ingest.db.CameraPolicies;
import io.ipchls.ingest.s3.ObjectStore;
import io.ipchls.ingest.mqtt.NotificationCheck.Accepted;
import io.ipchls.ingest.mqtt.NotificationCheck.Rejection;
import io.ipchls.kit.db.Database;
import io.ipchls.kit.mqtt.ManagedMqttClient;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.SegmentRejected;
import io.ipchls.protocol.Topics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes segment notifications from the shared subscription {@link Topics#INGEST_SHARED_SEGMENTS} over a persistent
 * session with manual acknowledgement: invalid ones are answered on {@code cameras/{id}/segments/rejected},
 * counted, acknowledged and dropped; valid ones go to the {@link SegmentBatcher}, which acknowledges after commit.
 */
public final class SegmentListenerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentListenerVerticle.class);
  private static final long POLICY_CACHE_MS = 30_000;

  private final IngestConfig config;
  private final IngestMetrics metrics;
  private final NotificationCheck check;
  private Pool pool;
  private ManagedMqttClient mqtt;
  private SegmentBatcher batcher;
  private ObjectStore store;
  private final OrderedAcks acks = new OrderedAcks();

  public SegmentListenerVerticle(IngestConfig config, IngestMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.check = new NotificationCheck(config.maxFutureSkewSeconds());
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, config.db());
    var policies = new CameraPolicies(pool, config.retentionDays(), POLICY_CACHE_MS, System::currentTimeMillis);
    store = config.verifyObjects() ? new ObjectStore(config.s3()) : null;
    var batchCheck = new BatchCheck(vertx, policies, store, System::currentTimeMillis);
    batcher = new SegmentBatcher(vertx, new SegmentRepository(pool, config.recordingGapSeconds() * 1000), batchCheck,
        metrics, this::reject, config.batchMaxSize(), config.writeConcurrency());
    mqtt = new ManagedMqttClient(vertx, config.mqtt(), config.mqttClientId(), false, false)
        .subscribe(Topics.INGEST_SHARED_SEGMENTS, 1)
        .messageHandler(this::onMessage);
    return mqtt.startWithRetry();
  }

  @Override
  public Future<?> stop() {
    if (batcher != null) batcher.close();
    if (store != null) store.close();
    Future<Void> mqttClosed = mqtt == null ? Future.succeededFuture() : mqtt.close();
    return mqttClosed.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /** For health checks. */
  public boolean isMqttConnected() {
    return mqtt != null && mqtt.isConnected();
  }

  private void onMessage(MqttPublishMessage message) {
    Runnable ack = acks.received(message);
    var result = check.check(message.topicName(), message.payload().getBytes(), System.currentTimeMillis());
    if (result instanceof Accepted a) {
      batcher.add(new SegmentBatcher.Pending(a.cameraId(), a.notification(), ack));
    } else {
      reject((Rejection) result, ack);
    }
  }

  private void reject(Rejection r, Runnable ack) {
    LOG.info("rejected segment notification from {} (key {}): {}", r.cameraId(), r.key(), r.message());
    metrics.rejected(r.reason());
    if (r.cameraId() != null) {
      byte[] payload = Json.encode(SegmentRejected.of(r.key(), r.message()));
      mqtt.publish(Topics.segmentsRejected(r.cameraId()), payload, 1, false)
          .onFailure(e -> LOG.warn("cannot tell {} about the rejection: {}", r.cameraId(), e.getMessage()));
    }
    ack.run();
  }

}
