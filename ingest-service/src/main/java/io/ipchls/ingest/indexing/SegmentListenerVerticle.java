package io.ipchls.ingest.indexing;

import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.indexing.NotificationCheck.Accepted;
import io.ipchls.ingest.indexing.NotificationCheck.Rejection;
import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.ingest.shared.ObjectStore;
import io.ipchls.kit.mqtt.ManagedMqttClient;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentRejected;
import io.ipchls.protocol.Topics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes segment notifications from the shared subscription {@link Topics#INGEST_SHARED_SEGMENTS} over persistent
 * sessions with manual acknowledgement: invalid ones are answered on {@code cameras/{id}/segments/rejected},
 * counted, acknowledged and dropped; valid ones go to the {@link SegmentBatcher}, which acknowledges after commit.
 * {@code mqttConnections} connections (sessions {@code ingest-<id>}, {@code ingest-<id>-2}, ...) join the shared
 * group, because a broker bounds the unacknowledged messages per client (HiveMQ: 50) and ingest acknowledges only
 * after the commit: the window per connection divided by the commit time caps what one connection carries.
 *
 * <p><b>Bounded memory.</b> Each connection holds at most {@code maxHeldPerConnection} notifications received and
 * not yet acknowledged: at that bound it stops reading from the broker ({@link ManagedMqttClient#pauseReading()}),
 * so the backlog stays in the broker, which has acknowledged it to the cameras and keeps it; it reads again once
 * commits have brought the count down to half the bound. While the database is down ingest therefore holds at most
 * {@code mqttConnections × maxHeldPerConnection} notifications whatever the backlog.
 */
public final class SegmentListenerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentListenerVerticle.class);
  private static final long POLICY_CACHE_MS = 30_000;
  /** Longest reason (and logged key) sent back or logged for a rejected notification. */
  private static final int MAX_ECHO = 512;

  private final IndexingConfig config;
  private final IngestPools pools;
  private final IngestMetrics metrics;
  private final NotificationCheck check;
  private Pool pool;
  private final List<ManagedMqttClient> connections = new ArrayList<>();
  private final List<HeldBound> bounds = new ArrayList<>();
  private SegmentBatcher batcher;
  private ObjectStore store;

  public SegmentListenerVerticle(IndexingConfig config, IngestPools pools, IngestMetrics metrics) {
    this.config = config;
    this.pools = pools;
    this.metrics = metrics;
    this.check = new NotificationCheck(config.maxFutureSkewSeconds());
  }

  @Override
  public Future<?> start() {
    pool = pools.open(vertx, "segment-listener", pools.maxPoolSize());
    var policies = new CameraPolicies(pool, config.defaultRetentionDays(), POLICY_CACHE_MS,
        System::currentTimeMillis);
    store = config.verifyObjects() ? new ObjectStore(config.s3()) : null;
    var batchCheck = new BatchCheck(vertx, policies, store, System::currentTimeMillis,
        new QuotaCheck(pool), metrics::thumbnailDropped);
    var segments = new SegmentRepository(pool, config.gapRule());
    metrics.indexing(segments, SegmentRepository::decidedRows, SegmentRepository::readCameras,
        SegmentRepository::staleBatches);
    batcher = new SegmentBatcher(vertx, segments, batchCheck, metrics,
        this::reject, new SegmentBatcher.Limits(config.batchMaxSize(), config.writeConcurrency(),
            config.batchLingerMs()));
    List<Future<Void>> started = new ArrayList<>();
    metrics.heldLimit(config.maxHeldPerConnection());
    for (int k = 1; k <= config.mqttConnections(); k++) {
      String clientId = k == 1 ? config.mqttClientId() : config.mqttClientId() + "-" + k;
      ManagedMqttClient c = new ManagedMqttClient(vertx, config.mqtt(), clientId,
              /* cleanSession= */ false, /* autoAck= */ false);
      HeldBound bound = new HeldBound(c, config.maxHeldPerConnection());
      OrderedAcks acks = new OrderedAcks(bound::held); // PUBACK order is per connection
      c.subscribe(Topics.INGEST_SHARED_SEGMENTS, 1).messageHandler(m -> onMessage(m, acks));
      metrics.connection(String.valueOf(k), bound, HeldBound::held, HeldBound::peak, HeldBound::paused);
      connections.add(c);
      bounds.add(bound);
      started.add(c.startWithRetry());
    }
    return Future.all(started);
  }

  @Override
  public Future<?> stop() {
    if (batcher != null) batcher.close();
    if (store != null) store.close();
    Future<?> mqttClosed = Future.join(connections.stream().map(ManagedMqttClient::close).toList());
    return mqttClosed.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /** For health checks: every connection is up. */
  public boolean isMqttConnected() {
    return !connections.isEmpty() && connections.stream().allMatch(ManagedMqttClient::isConnected);
  }

  /**
   * One connection's bound: reading pauses when {@code max} notifications are held and resumes at half of it. The
   * count includes what an earlier connection of the same session left unacknowledged (its rows may still be in a
   * write), so a reconnect never adds a second window on top of a full one.
   */
  public static final class HeldBound {
    private final ManagedMqttClient client;
    private final int max;
    private int held;
    private int peak;

    public HeldBound(ManagedMqttClient client, int max) {
      this.client = client;
      this.max = max;
    }

    public void held(int now) {
      held = now;
      peak = Math.max(peak, now);
      if (now >= max) {
        if (!client.isReadingPaused()) {
          LOG.debug("holding {} notifications on this connection, its bound: pausing reading", now);
          client.pauseReading();
        }
      } else if (now <= max / 2 && client.isReadingPaused()) {
        client.resumeReading();
      }
    }

    int held() {
      return held;
    }

    int peak() {
      return peak;
    }

    int paused() {
      return client.isReadingPaused() ? 1 : 0;
    }
  }

  private void onMessage(MqttPublishMessage message, OrderedAcks acks) {
    Runnable ack = acks.received(message);
    NotificationCheck.Result result;
    try {
      result = check.check(message.topicName(), message.payload().getBytes(), System.currentTimeMillis());
    } catch (RuntimeException e) { // a bug in a check must cost this message, never the listener
      LOG.error("checking a notification on {} failed", message.topicName(), e);
      result = new Rejection(null, null, "check_failed", String.valueOf(e));
    }
    if (result instanceof Accepted a) {
      batcher.add(new SegmentBatcher.Pending(a.cameraId(), a.notification(), ack));
    } else {
      reject((Rejection) result, ack);
    }
  }

  /** Tells the camera (when the topic named one), counts, and acknowledges, whatever happens while telling. */
  private void reject(Rejection r, Runnable ack) {
    try {
      LOG.info("rejected segment notification from {} (key {}): {}", r.cameraId(), printable(r.key(), MAX_ECHO),
          printable(r.message(), MAX_ECHO));
      metrics.rejected(r.reason());
      if (r.cameraId() != null) tell(r);
    } catch (RuntimeException e) {
      LOG.error("cannot answer a rejected notification of {}", r.cameraId(), e);
    } finally {
      ack.run();
    }
  }

  private void tell(Rejection r) {
    // the key and reason may echo what the camera sent: printable ASCII, bounded, so the answer always encodes
    // and fits any client's message size
    byte[] payload = Json.encode(SegmentRejected.of(printable(r.key(), ObjectKeys.MAX_KEY_LENGTH),
        printable(r.message(), MAX_ECHO)));
    connections.stream().filter(ManagedMqttClient::isConnected).findFirst()
        .map(c -> c.publish(Topics.segmentsRejected(r.cameraId()), payload, /* qos= */ 1, /* retain= */ false))
        .orElseGet(() -> Future.failedFuture("MQTT not connected"))
        .onFailure(e -> LOG.warn("cannot tell {} about the rejection: {}", r.cameraId(), e.getMessage()));
  }

  /** {@code s} with every character outside printable ASCII replaced by '?', cut to {@code max} characters. */
  public static String printable(String s, int max) {
    if (s == null) return null;
    StringBuilder b = new StringBuilder(Math.min(s.length(), max + 3));
    for (int i = 0; i < s.length() && i < max; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.length() > max ? b.append("...").toString() : b.toString();
  }
}
