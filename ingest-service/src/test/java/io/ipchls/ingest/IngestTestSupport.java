package io.ipchls.ingest;

import io.ipchls.infra.Await;
import io.ipchls.infra.MqttSubscriptions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.fail;

import io.ipchls.infra.EmbeddedPostgres;
import io.ipchls.infra.LocalStack;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentRejected;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoublePredicate;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Starts an ingest instance on the shared test stack, plays a camera over MQTT and reads the index back. */
public final class IngestTestSupport {
  public static final long TIMEOUT_MS = 15_000;
  /** The admin API's bearer token in tests. */
  public static final String ADMIN_TOKEN = "ingest-admin-token-for-tests";
  private static final AtomicLong SEQ = new AtomicLong();

  public final Vertx vertx;
  public final IngestConfig config;
  public final Pool pool;
  public int httpPort;

  public IngestTestSupport(Vertx vertx) {
    this(vertx, new JsonObject());
  }

  /** On the shared stack, with {@code overrides} merged over the test configuration (e.g. {@code verifyObjects}). */
  public IngestTestSupport(Vertx vertx, JsonObject overrides) {
    this(vertx, IngestConfig.fromJson(
        configJson(LocalStack.sharedForTests(), randomInstanceId()).mergeIn(overrides, true)));
  }

  private IngestTestSupport(Vertx vertx, IngestConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.pool = Database.pool(vertx, config.db());
  }

  /** With a whole configuration (e.g. for servers of the test's own that it restarts). */
  public static IngestTestSupport withConfig(Vertx vertx, JsonObject config) {
    return new IngestTestSupport(vertx, IngestConfig.fromJson(config));
  }

  /** Migrates ingest's schema in this support's database (for tests that use it without starting the service). */
  public IngestTestSupport migrate() {
    await(Database.migrate(vertx, config.db(), IngestService.SCHEMA));
    return this;
  }

  public static String randomInstanceId() {
    return "test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The embedded bucket with the root key: the service's own account. */
  public static JsonObject s3Json(LocalStack stack) {
    var s3 = stack.s3();
    return new JsonObject().put("endpoint", s3.endpoint().toString()).put("region", s3.region())
        .put("bucket", s3.bucket()).put("pathStyle", true).put("accessKeyId", stack.options().s3AccessKey())
        .put("secretAccessKey", stack.options().s3SecretKey());
  }

  public static JsonObject configJson(LocalStack stack, String instanceId) {
    return configJson(stack.postgres(), stack.broker().host(), stack.broker().port(), instanceId);
  }

  public static JsonObject configJson(EmbeddedPostgres pg, String mqttHost, int mqttPort, String instanceId) {
    var db = new DbConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(), 4);
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("db", db.toJson())
        .put("mqtt", new JsonObject().put("host", mqttHost).put("port", mqttPort)
            .put("username", "ingest").put("password", "test"))
        .put("instanceId", instanceId)
        .put("adminToken", ADMIN_TOKEN);
  }

  /** Uploads an object with the service's own (root) key, as a camera's upload would have. */
  public void putObject(String key, byte[] bytes) {
    LocalStack stack = LocalStack.sharedForTests();
    try (S3Client s3 = s3Client(stack)) {
      s3.putObject(r -> r.bucket(stack.s3().bucket()).key(key), RequestBody.fromBytes(bytes));
    }
  }

  public static S3Client s3Client(LocalStack stack) {
    return S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .region(Region.of(stack.s3().region()))
        .endpointOverride(stack.s3().endpoint())
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            stack.options().s3AccessKey(), stack.options().s3SecretKey())))
        .build();
  }

  public IngestTestSupport start() {
    httpPort = await(IngestService.start(vertx, config)).httpPort();
    return this;
  }

  public static String cameraId(String what) {
    return (what + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
  }

  /** A valid notification for a segment of this camera that started {@code ageMs} ago. */
  public static SegmentNotification segment(String cameraId, long ageMs) {
    long start = System.currentTimeMillis() - ageMs;
    long seq = SEQ.incrementAndGet();
    String key = ObjectKeys.segmentKey(cameraId, Instant.ofEpochMilli(start), seq);
    return new SegmentNotification(SegmentNotification.VERSION, key, start, /* durationMs= */ 3000,
        /* bytes= */ 188 * 1000, null, seq, "h264", /* width= */ 640, /* height= */ 360, System.currentTimeMillis(),
        null, null);
  }

  public static SegmentNotification withKey(SegmentNotification n, String key) {
    return new SegmentNotification(n.v(), key, n.start(), n.durationMs(), n.bytes(), n.sha256(), n.seq(), n.codec(),
        n.width(), n.height(), n.deviceTime(), n.clockJump(), n.discontinuity());
  }

  /** A camera's MQTT link: publishes notifications and collects what ingest sends back to it. */
  public final class Camera implements AutoCloseable {
    public final String id;
    public final MqttClient client;
    public final LinkedBlockingQueue<SegmentRejected> rejections = new LinkedBlockingQueue<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();

    public Camera(String id) {
      this.id = id;
      this.client = MqttClient.create(vertx, new MqttClientOptions().setClientId(id).setCleanSession(true)
          .setMaxInflightQueue(1000).setUsername(id).setPassword("test"));
      client.publishHandler(m -> rejections.add(Json.decode(m.payload().getBytes(), SegmentRejected.class)));
      // publish() completes when the message is written; the broker owns it only once it acknowledged it
      client.publishCompletionHandler(packetId -> acknowledged.incrementAndGet());
      await(client.connect(config.mqtt().port(), config.mqtt().host()));
      await(MqttSubscriptions.subscribeGranted(client, Topics.segmentsRejected(id), 1));
    }

    public void publish(SegmentNotification n) {
      publishRaw(Json.encode(n));
    }

    public void publishRaw(byte[] payload) {
      sent.incrementAndGet();
      await(client.publish(Topics.segments(id), Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false));
    }

    /** Publishes without waiting for the broker's acknowledgement (up to the client's in-flight window). */
    public Future<Integer> publishAsync(SegmentNotification n) {
      sent.incrementAndGet();
      return client.publish(Topics.segments(id), Buffer.buffer(Json.encode(n)), MqttQoS.AT_LEAST_ONCE, false, false);
    }

    public SegmentRejected awaitRejection() {
      try {
        SegmentRejected r = rejections.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (r == null) fail("no message on " + Topics.segmentsRejected(id) + " within " + TIMEOUT_MS + " ms");
        return r;
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Waits until the broker has acknowledged everything published so far. */
    public void awaitAcknowledged() {
      Await.until("broker acknowledgements for " + id, Duration.ofMillis(TIMEOUT_MS), acknowledged::get,
          n -> n >= sent.get());
    }

    @Override
    public void close() {
      awaitAcknowledged();
      await(client.disconnect());
    }
  }

  public Camera camera(String id) {
    return new Camera(id);
  }

  /** The object keys indexed for a camera, in time order. */
  public List<String> keysOf(String cameraId) {
    var rows = await(pool.preparedQuery(
        "SELECT object_key FROM ingest.segments WHERE camera_id = $1 ORDER BY start_at")
        .execute(Tuple.of(cameraId)));
    List<String> keys = new ArrayList<>();
    for (Row r : rows) keys.add(r.getString(0));
    return keys;
  }

  /** Polls the index until {@code done} holds for the camera's keys, or fails at the deadline. */
  public List<String> awaitKeys(String cameraId, Predicate<List<String>> done) {
    return Await.until("index of " + cameraId, Duration.ofMillis(TIMEOUT_MS), () -> keysOf(cameraId), done);
  }

  /** The value of an unlabelled metric from {@code GET /metrics}, 0 when absent. */
  public double metric(String name) {
    var resp = await(WebClient.create(vertx).get(httpPort, "127.0.0.1", "/metrics")
        .bearerTokenAuthentication(ADMIN_TOKEN).send());
    for (String line : resp.bodyAsString().split("\n")) {
      if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1).trim());
    }
    return 0;
  }

  public void awaitMetric(String name, DoublePredicate done) {
    Await.until("metric " + name, Duration.ofMillis(TIMEOUT_MS), () -> metric(name), done::test);
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("operation failed or timed out: " + e, e);
    }
  }
}
