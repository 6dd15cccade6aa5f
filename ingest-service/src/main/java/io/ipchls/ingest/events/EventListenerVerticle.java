package io.ipchls.ingest.events;

import static io.ipchls.ingest.indexing.SegmentListenerVerticle.printable;

import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.events.EventCheck.Accepted;
import io.ipchls.ingest.events.EventCheck.Rejection;
import io.ipchls.ingest.indexing.OrderedAcks;
import io.ipchls.ingest.indexing.SegmentListenerVerticle.HeldBound;
import io.ipchls.ingest.indexing.TransientRetry;
import io.ipchls.ingest.indexing.WriteErrors;
import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.kit.config.MqttConfig;
import io.ipchls.kit.mqtt.ManagedMqttClient;
import io.ipchls.protocol.EventRejected;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.Topics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes camera events from the shared subscription {@link Topics#INGEST_SHARED_EVENTS} over a persistent session
 * of its own ({@code <mqttClientId>-camera-events}), so events and segment notifications never queue behind each
 * other. The machinery is the segment listener's: manual acknowledgement in arrival order ({@link OrderedAcks}) after
 * the row is committed, a bound of messages held per connection ({@link HeldBound}), transient database failures retried while
 * the message stays unacknowledged ({@link TransientRetry}). A bad event is logged, counted, answered on
 * {@code cameras/{id}/events/rejected} with its reason, acknowledged and dropped; nothing stops the listener.
 */
public final class EventListenerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventListenerVerticle.class);
  /** Longest reason (and logged id) sent back or logged for a rejected event. */
  private static final int MAX_ECHO = 512;

  private final MqttConfig mqtt;
  private final String clientId;
  private final int maxHeld;
  private final IngestPools pools;
  private final IngestMetrics metrics;
  private final EventCheck check;
  private Pool pool;
  private EventRepository events;
  private TransientRetry retry;
  private ManagedMqttClient client;
  private boolean closed;

  public EventListenerVerticle(MqttConfig mqtt, String clientId, int maxHeld, int maxFutureSkewSeconds,
      IngestPools pools, IngestMetrics metrics) {
    this.mqtt = mqtt;
    this.clientId = clientId;
    this.maxHeld = maxHeld;
    this.pools = pools;
    this.metrics = metrics;
    this.check = new EventCheck(maxFutureSkewSeconds);
  }

  @Override
  public Future<?> start() {
    pool = pools.open(vertx, "events", 2);
    events = new EventRepository(pool);
    retry = new TransientRetry(vertx, metrics, () -> closed);
    client = new ManagedMqttClient(vertx, mqtt, clientId, /* cleanSession= */ false, /* autoAck= */ false);
    HeldBound bound = new HeldBound(client, maxHeld);
    OrderedAcks acks = new OrderedAcks(bound::held);
    client.subscribe(Topics.INGEST_SHARED_EVENTS, 1).messageHandler(m -> onMessage(m, acks));
    return client.startWithRetry();
  }

  @Override
  public Future<?> stop() {
    closed = true;
    Future<Void> mqttClosed = client == null ? Future.succeededFuture() : client.close();
    return mqttClosed.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  public boolean isMqttConnected() {
    return client != null && client.isConnected();
  }

  private void onMessage(MqttPublishMessage message, OrderedAcks acks) {
    Runnable ack = acks.received(message);
    var topic = Topics.parse(message.topicName()).filter(t -> t.kind() == Topics.Kind.EVENTS);
    if (topic.isEmpty()) {
      reject(null, new Rejection(null, "bad_topic", "not an events topic: " + message.topicName()), ack);
      return;
    }
    String cameraId = topic.get().cameraId();
    EventCheck.Result result;
    try {
      result = check.check(message.payload().getBytes(), System.currentTimeMillis());
    } catch (RuntimeException e) { // a bug in a check must cost this message, never the listener
      LOG.error("checking an event on {} failed", message.topicName(), e);
      result = new Rejection(null, "check_failed", String.valueOf(e));
    }
    if (result instanceof Accepted a) {
      storeThenAcknowledge(cameraId, a, ack);
    } else {
      reject(cameraId, (Rejection) result, ack);
    }
  }

  /** Store, then acknowledge: the broker keeps the event until its row is committed. */
  private void storeThenAcknowledge(String cameraId, Accepted a, Runnable ack) {
    retry.run("storing event " + a.event().id() + " of " + cameraId,
            () -> events.store(cameraId, a.event(), "mqtt"),
            e -> WriteErrors.classify(e) == WriteErrors.Kind.TRANSIENT)
        .onSuccess(stored -> metrics.eventAccepted("mqtt", stored.created()))
        .onFailure(e -> {
          LOG.error("event {} of {} not stored: {}", a.event().id(), cameraId, e.getMessage());
          metrics.eventRejected("mqtt", "store_failed");
        })
        .onComplete(ar -> {
          if (ar.succeeded() || !closed) ack.run(); // closing: unacknowledged, the broker delivers it again
        });
  }

  /** Tells the camera (when the topic named one), counts, and acknowledges, whatever happens while telling. */
  private void reject(String cameraId, Rejection r, Runnable ack) {
    try {
      LOG.info("rejected event from {} (id {}): {}", cameraId, printable(r.id(), MAX_ECHO),
          printable(r.message(), MAX_ECHO));
      metrics.eventRejected("mqtt", r.reason());
      if (cameraId != null) {
        byte[] payload = Json.encode(EventRejected.of(printable(r.id(), 64),
            printable(r.message(), MAX_ECHO)));
        client.publish(Topics.eventsRejected(cameraId), payload, /* qos= */ 1, /* retain= */ false)
            .onFailure(e -> LOG.warn("cannot tell {} about the rejection: {}", cameraId, e.getMessage()));
      }
    } catch (RuntimeException e) {
      LOG.error("cannot answer a rejected event of {}", cameraId, e);
    } finally {
      ack.run();
    }
  }
}
