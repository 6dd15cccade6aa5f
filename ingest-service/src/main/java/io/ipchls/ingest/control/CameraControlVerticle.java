package io.ipchls.ingest.control;

import io.ipchls.ingest.shared.Ids;
import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.kit.jobs.PeriodicJob;
import io.ipchls.kit.mqtt.ManagedMqttClient;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.CameraStatus;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.ProtocolException;
import io.ipchls.protocol.RecordingEvent;
import io.ipchls.protocol.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ingest's control link to the cameras over MQTT. It publishes each task camera's current command RETAINED on
 * {@code cameras/{id}/commands} (a task's start with its settings, or a stop), so a camera gets it on every
 * (re)subscribe even while ingest is down; spans whose command is not yet published are retried every
 * {@code controlIntervalSeconds}. It consumes {@code cameras/+/status} through a shared subscription (each change is
 * handled by one instance), keeps {@code ingest.camera_status} and writes {@code camera.online}/{@code camera.offline}
 * events in the same transaction, on changes only. Status messages are handled one at a time in arrival order and
 * acknowledged after their commit.
 */
public final class CameraControlVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CameraControlVerticle.class);
  static final String LATEST = """
      SELECT DISTINCT ON (camera_id) span_id, camera_id, task_id, segment_seconds, key_prefix, stopped_at, container,
             mode, pre_roll_seconds, post_roll_seconds, tier
      FROM ingest.task_spans WHERE camera_id = ANY($1::text[]) ORDER BY camera_id, span_id DESC""";
  static final String PUBLISHED = """
      UPDATE ingest.task_spans s SET command_pending = false
      FROM unnest($1::text[], $2::bigint[]) AS p(c, id)
      WHERE s.camera_id = p.c AND s.span_id <= p.id AND s.command_pending""";
  static final String PENDING = "SELECT DISTINCT camera_id FROM ingest.task_spans WHERE command_pending LIMIT 1000";
  static final String STATUS = """
      WITH changed AS (
        INSERT INTO ingest.camera_status AS c (camera_id, online, changed_at) VALUES ($1, $2, now())
        ON CONFLICT (camera_id) DO UPDATE SET online = excluded.online, changed_at = excluded.changed_at
        WHERE c.online IS DISTINCT FROM excluded.online
        RETURNING camera_id, changed_at)
      SELECT c.changed_at, s.task_id, s.template_id FROM changed c
      LEFT JOIN ingest.task_spans s ON s.camera_id = c.camera_id AND s.stopped_at IS NULL""";

  private final ControlConfig config;
  private final IngestPools pools;
  private final MeterRegistry registry;
  private final EventOutbox outbox;
  private Pool pool;
  private ManagedMqttClient mqtt;
  private Context context;
  private Future<Void> statusChain = Future.succeededFuture();
  private PeriodicJob<Void> resend;

  public CameraControlVerticle(ControlConfig config, IngestPools pools, MeterRegistry registry) {
    this.config = config;
    this.pools = pools;
    this.registry = registry;
    this.outbox = new EventOutbox(registry);
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    pool = pools.open(vertx, "camera-control", 2);
    mqtt = new ManagedMqttClient(vertx, config.mqtt(), config.mqttClientId() + "-control",
            /* cleanSession= */ false, /* autoAck= */ false)
        .subscribe(Topics.INGEST_SHARED_STATUS, 1)
        .messageHandler(this::onStatus);
    // every instance resends: a camera's newest command is the same whoever publishes it, retained
    resend = PeriodicJob.onEveryInstance(vertx, "pending camera commands", config.intervalMs(), this::resendPending)
        .start(config.intervalMs());
    return mqtt.start();
  }

  public boolean isConnected() {
    return mqtt != null && mqtt.isConnected();
  }

  /**
   * Publishes a trigger to an event-only camera, QoS 1 and never retained (a retained trigger would fire again at
   * every reconnect; cameras refuse one). Fails when the broker cannot be reached (nothing is kept to retry: an event
   * trigger is worth something only now).
   */
  public Future<Void> trigger(String cameraId, String eventId) {
    return mqtt.publish(Topics.commands(cameraId), Json.encode(CameraCommand.trigger(eventId)), /* qos= */ 1,
        /* retain= */ false).mapEmpty();
  }

  /**
   * Publishes the current command of each camera (from its newest span) retained; spans stay pending (and are
   * retried) when the broker cannot be reached. Callable from any thread.
   */
  public Future<Void> pushCommands(List<String> cameraIds) {
    if (cameraIds.isEmpty()) return Future.succeededFuture();
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> push(cameraIds).onComplete(done));
    return done.future();
  }

  private Future<Void> push(List<String> cameraIds) {
    return pool.preparedQuery(LATEST).execute(Tuple.of(cameraIds.toArray(new String[0]))).compose(rows -> {
      List<Future<?>> sent = new ArrayList<>();
      List<String> cams = new ArrayList<>();
      List<Long> spans = new ArrayList<>();
      for (Row r : rows) {
        String camera = r.getString("camera_id");
        CameraCommand cmd = r.getOffsetDateTime("stopped_at") != null
            ? CameraCommand.stopTask(r.getString("task_id"))
            : TemplateRecording.from(r).startCommand(r.getString("task_id"), r.getInteger("segment_seconds"),
                r.getString("key_prefix"), r.getString("container"));
        sent.add(mqtt.publish(Topics.commands(camera), Json.encode(cmd), /* qos= */ 1, /* retain= */ true)
            .onSuccess(id -> {
              cams.add(camera);
              spans.add(r.getLong("span_id"));
            }));
      }
      return Future.join(sent).transform(ar -> cams.isEmpty()
          ? (ar.succeeded() ? Future.succeededFuture() : Future.failedFuture(ar.cause()))
          : pool.preparedQuery(PUBLISHED).execute(Tuple.tuple().addArrayOfString(cams.toArray(new String[0]))
              .addArrayOfLong(spans.toArray(new Long[0]))).<Void>mapEmpty()
              .compose(v -> ar.succeeded() ? Future.succeededFuture()
                  : Future.failedFuture("command not published (retried): " + ar.cause().getMessage())));
    });
  }

  private Future<Void> resendPending() {
    return pool.preparedQuery(PENDING).execute().compose(rows -> {
      List<String> cams = new ArrayList<>();
      rows.forEach(r -> cams.add(r.getString(0)));
      return push(cams);
    });
  }

  /** Queues the message behind the ones before it: handled and acknowledged in arrival order. */
  private void onStatus(MqttPublishMessage m) {
    statusChain = statusChain.transform(ar -> handleStatus(m)).onComplete(ar -> m.ack());
  }

  private Future<Void> handleStatus(MqttPublishMessage m) {
    String camera;
    boolean online;
    try {
      camera = Topics.parse(m.topicName()).filter(t -> t.kind() == Topics.Kind.STATUS)
          .orElseThrow(() -> new ProtocolException("not a status topic")).cameraId();
      if (m.payload().length() == 0) return Future.succeededFuture(); // a cleared retained status: nothing changed
      CameraStatus s = Json.decode(m.payload().getBytes(), CameraStatus.class);
      if (!CameraStatus.ONLINE.equals(s.state()) && !CameraStatus.OFFLINE.equals(s.state())) {
        throw new ProtocolException("state must be online or offline");
      }
      online = CameraStatus.ONLINE.equals(s.state());
    } catch (ProtocolException | IllegalArgumentException e) {
      Counter.builder("camera.status.rejected").description("camera status messages refused as malformed")
          .register(registry).increment();
      LOG.warn("dropped status message on {}: {}", m.topicName(), e.getMessage());
      return Future.succeededFuture();
    }
    return recordStatus(camera, online, 1);
  }

  private Future<Void> recordStatus(String camera, boolean online, int attempt) {
    return pool.withTransaction(tx -> tx.preparedQuery(STATUS).execute(Tuple.of(camera, online)).compose(rows -> {
      if (rows.size() == 0) return Future.succeededFuture(); // no change
      Row r = rows.iterator().next();
      return outbox.write(tx, List.of(RecordingEvent.cameraState(Ids.next("evt_"), online, camera,
          r.getString("task_id"), r.getString("template_id"), r.getOffsetDateTime("changed_at").toInstant()
              .toEpochMilli())));
    })).recover(e -> {
      if (attempt >= 5) {
        LOG.error("camera {} status {} not recorded after {} attempts: {}", camera, online ? "online" : "offline",
            attempt, e.getMessage());
        return Future.succeededFuture();
      }
      Promise<Void> later = Promise.promise();
      vertx.setTimer(500L << attempt, t -> recordStatus(camera, online, attempt + 1).onComplete(later));
      return later.future();
    });
  }

  @Override
  public Future<?> stop() {
    if (resend != null) resend.stop();
    return (mqtt == null ? Future.succeededFuture() : mqtt.close()).eventually(() -> pool.close());
  }
}
