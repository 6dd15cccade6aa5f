package io.ipchls.ingest.callbacks;

import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.kit.config.MqttConfig;
import io.ipchls.kit.jobs.PeriodicJob;
import io.ipchls.kit.mqtt.ManagedMqttClient;
import io.ipchls.protocol.Topics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves events out of the outbox {@code ingest.recording_events}: every {@code pollMillis} (and at once again after a
 * full batch) it takes, in one transaction under a cluster-wide advisory lock, up to {@value #BATCH} undispatched
 * events in id order, creates their webhook deliveries, marks them dispatched, publishes each on
 * {@link Topics#EVENTS_RECORDINGS} with QoS 1, waits for every PUBACK and commits. Any failure (broker down, no PUBACK,
 * database) rolls the transaction back and the next round takes the same events again: never lost, and published
 * again only when the failure came after the first publish; the {@code eventId} in every payload lets receivers drop
 * such a repeat. Runs apart from the segment path: its own connection and MQTT client.
 * The rounds are a {@link PeriodicJob#underTaskLock}: the lock is PostgreSQL's, not the cluster's, because it must
 * live exactly as long as the transaction that takes the events (released by its commit, rollback or the death of
 * its connection), and it also keeps apart instances that share the database without sharing a cluster.
 */
public final class EventDispatcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcherVerticle.class);
  static final int BATCH = 100;
  private static final long PUBACK_TIMEOUT_MS = 10_000;
  /** 64 KiB packets, less the fixed header, topic and packet id. */
  private static final int MAX_MQTT_PAYLOAD = 64 * 1024 - 64;

  private final IngestPools pools;
  private final MqttConfig mqtt;
  private final String mqttClientId;
  private final CallbacksConfig config;
  private final CallbackMetrics metrics;
  private Pool pool;
  private ManagedMqttClient client;
  private PeriodicJob<Integer> job;

  public EventDispatcherVerticle(IngestPools pools, MqttConfig mqtt, String mqttClientId, CallbacksConfig config,
      CallbackMetrics metrics) {
    this.pools = pools;
    this.mqtt = mqtt;
    this.mqttClientId = mqttClientId;
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = pools.open(vertx, "event-dispatcher", 1);
    client = new ManagedMqttClient(vertx, mqtt, mqttClientId, /* cleanSession= */ true, /* autoAck= */ true);
    // a failed round leaves the events in the outbox for the next one; a full batch means more are waiting
    job = PeriodicJob.underTaskLock(vertx, "event dispatch", config.pollMillis(), this::dispatchRound)
        .again(dispatched -> dispatched == BATCH);
    return client.startWithRetry().onSuccess(v -> job.start(config.pollMillis()));
  }

  /** One round: the number of events dispatched, or empty when another instance holds the lock. */
  Future<Optional<Integer>> dispatchRound() {
    return pool.withTransaction(c -> DispatchRepository.tryLock(c).compose(locked -> locked
            ? fanOutMarkAndPublish(c).map(Optional::of)
            : Future.succeededFuture(Optional.<List<DispatchRepository.Event>>empty())))
        .map(taken -> taken.map(events -> {
          dispatched(events);
          return events.size();
        }));
  }

  /**
   * The order is the guarantee: all that can fail in the database (fan-out, mark) is done before the first publish,
   * so after the PUBACKs only the commit remains. A round that ends before it publishes (its connection killed, its
   * instance gone, a webhook deleted under the fan-out) leaves no trace: the rollback frees the rows and the lock and
   * the next round publishes them once. Only a failure between the first publish and the commit publishes again.
   */
  private Future<List<DispatchRepository.Event>> fanOutMarkAndPublish(SqlConnection c) {
    return DispatchRepository.undispatched(c, BATCH).compose(events -> {
      if (events.isEmpty()) return Future.succeededFuture(events);
      Long[] ids = events.stream().map(DispatchRepository.Event::id).toArray(Long[]::new);
      // fanned out even without a master key here: whichever instance dispatches, the deliveries exist
      return DispatchRepository.fanOut(c, ids)
          .compose(created -> DispatchRepository.markDispatched(c, ids).map(created))
          .compose(created -> publishAll(events).map(v -> {
            metrics.deliveriesCreated(created);
            return events;
          }));
    });
  }

  /**
   * Publishes in id order (the client writes in call order) and waits for every PUBACK. An event too big for an MQTT
   * packet (the brokers' limit, 64 KiB) would make the broker drop the connection on every round and stall the
   * outbox: it is logged and left out of MQTT (webhooks still get it).
   */
  private Future<Void> publishAll(List<DispatchRepository.Event> events) {
    List<Future<Void>> acked = new ArrayList<>();
    for (DispatchRepository.Event e : events) {
      byte[] body = e.body().getBytes(StandardCharsets.UTF_8);
      if (body.length > MAX_MQTT_PAYLOAD) {
        LOG.error("event {} ({}, {} bytes) is too large for MQTT; not published, webhooks still get it", e.id(),
            e.type(), body.length);
        continue;
      }
      acked.add(client.publishAcked(Topics.EVENTS_RECORDINGS, body).timeout(PUBACK_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    }
    return Future.all(acked).mapEmpty();
  }

  private void dispatched(List<DispatchRepository.Event> events) {
    metrics.published(events.size());
    OffsetDateTime now = OffsetDateTime.now();
    events.forEach(e -> metrics.dispatchLag(Duration.between(e.createdAt(), now)));
  }

  @Override
  public Future<?> stop() {
    // a round closed under would roll back after publishing: the next instance would publish its events again
    Future<Void> roundEnded = job == null ? Future.succeededFuture() : job.stop();
    return roundEnded
        .eventually(() -> client == null ? Future.succeededFuture() : client.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
