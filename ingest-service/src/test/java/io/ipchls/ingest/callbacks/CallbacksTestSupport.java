package io.ipchls.ingest.callbacks;

import static io.ipchls.ingest.IngestTestSupport.await;

import io.ipchls.infra.MqttSubscriptions;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.infra.Await;
import io.ipchls.infra.LocalStack;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Events written straight into the outbox, templates into their table, the webhook API, and an MQTT listener. */
public final class CallbacksTestSupport {
  static final String MASTER_KEY = "callbacks-master-key-for-tests-0123456789";

  private CallbacksTestSupport() {}

  /** Small timings so retries and give-ups happen within a test. */
  public static JsonObject fastCallbacks() {
    return new JsonObject().put("callbacks", new JsonObject().put("masterKey", MASTER_KEY).put("pollMillis", 50)
        .put("backoffInitialMillis", 50).put("backoffMaxMillis", 200).put("maxAttempts", 3)
        .put("connectTimeoutMillis", 1000).put("responseTimeoutMillis", 1000)
        .put("allowedTargets", "127.0.0.1/32")); // the receivers run on loopback
  }

  /** Inserts an event as the recording-control writer would; its event id. */
  static long insertEvent(Pool pool, String type, String cameraId, String templateId) {
    JsonObject payload = new JsonObject().put("v", 1).put("type", type).put("cameraId", cameraId)
        .put("time", System.currentTimeMillis()).put("templateId", templateId);
    Row row = await(pool.preparedQuery("""
        INSERT INTO ingest.recording_events (type, camera_id, template_id, occurred_at, payload)
        VALUES ($1, $2, $3, now(), $4::jsonb) RETURNING event_id""")
        .execute(Tuple.of(type, cameraId, templateId, payload))).iterator().next();
    return row.getLong(0);
  }

  /** Inserts {@code n} events of one type for a camera in one statement (no template). */
  static void insertEvents(Pool pool, String type, String cameraId, int n) {
    await(pool.preparedQuery("""
        INSERT INTO ingest.recording_events (type, camera_id, occurred_at, payload)
        SELECT $1, $2, now(), jsonb_build_object('v', 1, 'type', $1::text, 'cameraId', $2::text,
                                                 'time', (extract(epoch FROM now()) * 1000)::bigint, 'n', i)
        FROM generate_series(1, $3) AS i""").execute(Tuple.of(type, cameraId, n)));
  }

  /** Event ids of a camera whose dispatch is done / deliveries of a webhook in a status. */
  static long count(Pool pool, String sql, Object... params) {
    return await(pool.preparedQuery(sql).execute(Tuple.from(java.util.Arrays.asList(params)))).iterator().next().getLong(0);
  }

  /** Inserts a template whose callbacks send {@code events} to {@code webhooks}; its id. */
  static String insertTemplate(Pool pool, List<String> events, List<String> webhooks) {
    String id = "tpl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    JsonObject callbacks = new JsonObject().put("events", new JsonArray(events)).put("webhooks", new JsonArray(webhooks));
    await(pool.preparedQuery("""
        INSERT INTO ingest.record_templates (template_id, name, segment_seconds, retention_days, index_period_seconds,
                                             prefix_pattern, callbacks)
        VALUES ($1, $1, 3, 7, 3600, '{camera}', $2::jsonb)""").execute(Tuple.of(id, callbacks)));
    return id;
  }

  static JsonObject templateCallbacks(Pool pool, String templateId) {
    return new JsonObject(await(pool.preparedQuery("SELECT callbacks::text FROM ingest.record_templates "
        + "WHERE template_id = $1").execute(Tuple.of(templateId))).iterator().next().getString(0));
  }

  /** The admin API of one ingest instance. */
  record Api(WebClient client, int port) {
    static Api of(Vertx vertx, int port) {
      return new Api(WebClient.create(vertx), port);
    }

    HttpResponse<Buffer> send(String method, String path, String body) {
      var req = client.request(io.vertx.core.http.HttpMethod.valueOf(method), port, "127.0.0.1", path)
          .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN);
      return await(body == null ? req.send() : req.putHeader("content-type", "application/json")
          .sendBuffer(Buffer.buffer(body)));
    }

    HttpResponse<Buffer> get(String path) {
      return send("GET", path, null);
    }

    HttpResponse<Buffer> post(String path, JsonObject body) {
      return send("POST", path, body == null ? null : body.encode());
    }

    /** Registers a webhook; the 201 body (with the secret). */
    JsonObject createWebhook(String url, List<String> fleetEvents) {
      var resp = post("/api/v1/webhooks", new JsonObject().put("url", url).put("events", new JsonArray(fleetEvents)));
      if (resp.statusCode() != 201) throw new AssertionError("create webhook: " + resp.statusCode() + " "
          + resp.bodyAsString());
      return resp.bodyAsJsonObject();
    }

    JsonArray deliveries(String webhookId, String query) {
      var resp = get("/api/v1/webhooks/" + webhookId + "/deliveries" + query);
      if (resp.statusCode() != 200) throw new AssertionError(resp.statusCode() + " " + resp.bodyAsString());
      return resp.bodyAsJsonObject().getJsonArray("deliveries");
    }
  }

  /** The webhook's deliveries once {@code done} holds for them. */
  static JsonArray awaitDeliveries(Api api, String webhookId, Predicate<JsonArray> done) {
    return Await.until("deliveries of " + webhookId, Duration.ofSeconds(20),
        () -> api.deliveries(webhookId, "?limit=500"), done);
  }

  static long countStatus(JsonArray deliveries, String status) {
    return deliveries.stream().map(JsonObject.class::cast).filter(d -> status.equals(d.getString("status"))).count();
  }

  /** A subscriber to events/recordings that keeps every payload. */
  static final class EventListener implements AutoCloseable {
    final List<JsonObject> payloads = new CopyOnWriteArrayList<>();
    private final MqttClient client;

    EventListener(Vertx vertx) {
      var broker = LocalStack.sharedForTests().broker();
      client = MqttClient.create(vertx, new MqttClientOptions().setClientId("events-" + UUID.randomUUID())
          .setCleanSession(true).setUsername("listener").setPassword("test").setMaxMessageSize(64 * 1024));
      client.publishHandler(m -> payloads.add(new JsonObject(m.payload())));
      await(client.connect(broker.port(), broker.host()));
      await(MqttSubscriptions.subscribeGranted(client, Topics.EVENTS_RECORDINGS, MqttQoS.AT_LEAST_ONCE.value()));
    }

    List<JsonObject> ofCamera(String cameraId) {
      List<JsonObject> out = new ArrayList<>();
      for (JsonObject p : payloads) if (cameraId.equals(p.getString("cameraId"))) out.add(p);
      return out;
    }

    @Override
    public void close() {
      await(client.disconnect());
    }
  }

  static OffsetDateTime dispatchedAt(Pool pool, long eventId) {
    return await(pool.preparedQuery("SELECT dispatched_at FROM ingest.recording_events WHERE event_id = $1")
        .execute(Tuple.of(eventId))).iterator().next().getOffsetDateTime(0);
  }
}
