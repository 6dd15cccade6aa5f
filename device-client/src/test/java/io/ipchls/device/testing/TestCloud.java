package io.ipchls.device.testing;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.broker.BrokerAuthClient;
import io.ipchls.credential.broker.BrokerAuthVerticle;
import io.ipchls.credential.http.AdminApiVerticle;
import io.ipchls.credential.issuer.EmbeddedKeyIssuer;
import io.ipchls.credential.mqtt.CredentialRequestVerticle;
import io.ipchls.infra.AuthDecision;
import io.ipchls.infra.BrokerAuth;
import io.ipchls.infra.KeyLookup;
import io.ipchls.infra.LocalStack;
import io.ipchls.infra.MqttSubscriptions;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.kit.db.Database;
import io.ipchls.kit.http.Metrics;
import io.ipchls.protocol.CameraStatus;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.StorageKeyGrant;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The cloud side a camera talks to, for device-client tests: the real credential-service (broker authentication,
 * camera registry, storage keys with a chosen lifetime) on its own Vert.x against the shared embedded PostgreSQL
 * and broker, an S3 server (the shared one, or one a test starts and stops itself), an MQTT observer that plays
 * ingest (records every notification and status, acknowledging them), and a root S3 client to read what arrived.
 */
public final class TestCloud implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ADMIN_TOKEN = "device-test-admin-token-0123456789";
  private static final String SERVICE_USER = "credential-svc";
  private static final String SERVICE_PASSWORD = "credential-svc-password-device";
  private static final String OBSERVER_USER = "ingest-observer";
  private static final String OBSERVER_PASSWORD = "ingest-observer-password";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public final LocalStack stack = LocalStack.sharedForTests();
  public final Vertx vertx = Vertx.vertx();
  private final URI s3Endpoint;
  private final String bucket;
  private final String brokerHost;
  private final int brokerPort;
  private final String observerId = "observer-" + UUID.randomUUID();
  private final int httpPort = freePort();
  private final S3Client root;
  private MqttClient observer;
  /** Notifications received per camera, in arrival order (redeliveries included). */
  public final Map<String, List<SegmentNotification>> notifications = new ConcurrentHashMap<>();
  /** Camera events received per camera ({@code cameras/{id}/events}), in arrival order. */
  public final Map<String, List<io.ipchls.protocol.CameraEvent>> events = new ConcurrentHashMap<>();
  /** Status messages received per camera (retained ones included), in arrival order. */
  public final Map<String, List<CameraStatus>> statuses = new ConcurrentHashMap<>();
  private final Map<String, java.util.Set<String>> keysSeen = new ConcurrentHashMap<>();

  private TestCloud(URI s3Endpoint, String bucket, String brokerHost, int brokerPort) {
    this.s3Endpoint = s3Endpoint;
    this.bucket = bucket;
    this.brokerHost = brokerHost;
    this.brokerPort = brokerPort;
    this.root = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            stack.options().s3AccessKey(), stack.options().s3SecretKey())))
        .region(Region.US_EAST_1).forcePathStyle(true).endpointOverride(s3Endpoint).build();
  }

  /** The cloud on the shared stack's S3 server, issuing keys that live {@code keyLifetimeSeconds}. */
  public static TestCloud start(int keyLifetimeSeconds) {
    LocalStack stack = LocalStack.sharedForTests();
    TestCloud cloud = create(stack.s3().endpoint(), stack.s3().bucket(), stack.broker().host(), stack.broker().port());
    cloud.deploy(keyLifetimeSeconds);
    stack.useKeyLookup(cloud.keyLookup());
    return cloud;
  }

  /**
   * A cloud on the given S3 server and broker, not deployed yet: a test that runs its own servers wires
   * {@link #keyLookup()} and {@link #brokerAuth()} into them, then calls {@link #deploy}.
   */
  public static TestCloud create(URI s3Endpoint, String bucket, String brokerHost, int brokerPort) {
    return new TestCloud(s3Endpoint, bucket, brokerHost, brokerPort);
  }

  /**
   * The cloud on an S3 server the test runs itself (give it {@link #keyLookup()}); its root key must be the shared
   * stack's ({@code stack.options().s3AccessKey()/s3SecretKey()}).
   */
  public static TestCloud startWithS3(URI endpoint, String bucket, int keyLifetimeSeconds) {
    LocalStack stack = LocalStack.sharedForTests();
    TestCloud cloud = create(endpoint, bucket, stack.broker().host(), stack.broker().port());
    cloud.deploy(keyLifetimeSeconds);
    return cloud;
  }

  /** Deploys credential-service issuing keys that live {@code keyLifetimeSeconds}, and connects the observer. */
  public TestCloud deploy(int keyLifetimeSeconds) {
    var pg = stack.postgres();
    CredentialConfig config = CredentialConfig.fromJson(new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", httpPort))
        .put("db", pg.dbSection())
        .put("mqtt", new JsonObject().put("host", brokerHost).put("port", brokerPort)
            .put("username", SERVICE_USER).put("password", SERVICE_PASSWORD))
        .put("s3", new JsonObject().put("endpoint", s3Endpoint.toString()).put("bucket", bucket)
            .put("region", "us-east-1").put("pathStyle", true))
        .put("adminToken", ADMIN_TOKEN)
        .put("serviceAccounts", new JsonObject()
            .put(SERVICE_USER, Sha256.hex(SERVICE_PASSWORD))
            .put(OBSERVER_USER, Sha256.hex(OBSERVER_PASSWORD))));
    // CredentialService.deploy, with the key lifetime chosen by the test (the config allows 900 s at least)
    Metrics metrics = new Metrics();
    var issuer = new EmbeddedKeyIssuer(vertx, config.s3(), config.cameraEndpoint(), keyLifetimeSeconds);
    var requests = new CredentialRequestVerticle(config, metrics.registry(), issuer);
    await(Database.migrate(vertx, config.db(), "credential")
        .compose(v -> vertx.deployVerticle(new BrokerAuthVerticle(config, metrics.registry())))
        .compose(id -> {
          stack.useBrokerAuth(brokerAuth());
          return vertx.deployVerticle(requests);
        })
        .compose(id -> vertx.deployVerticle(new AdminApiVerticle(config, metrics, issuer, requests::isConnected))));
    connectObserver();
    return this;
  }

  /** What the launcher does: the broker asks credential-service over the event bus who is connecting. */
  public BrokerAuth brokerAuth() {
    return (clientId, username, password) -> BrokerAuthClient.authenticate(vertx, clientId, username, password)
        .map(AuthDecision::of).toCompletionStage();
  }

  /**
   * The S3 server's view of live camera keys: the map this credential-service writes. Records which access keys
   * each camera presented ({@link #accessKeysSeen}).
   */
  public KeyLookup keyLookup() {
    return accessKeyId -> {
      Optional<StorageKeyGrant> grant;
      try {
        grant = new io.ipchls.credential.issuer.GrantMap(vertx).get(accessKeyId)
            .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        grant = Optional.empty();
      }
      grant.ifPresent(g -> keysSeen.computeIfAbsent(g.cameraId(), k -> new java.util.concurrent.CopyOnWriteArraySet<>())
          .add(accessKeyId));
      return grant;
    };
  }

  /** Live access keys each camera presented to S3, in first-use order. */
  public List<String> accessKeysSeen(String cameraId) {
    return List.copyOf(keysSeen.getOrDefault(cameraId, new java.util.concurrent.CopyOnWriteArraySet<>()));
  }

  /** The state of the last status message received for a camera, or null. */
  public String lastStatus(String cameraId) {
    List<CameraStatus> l = statuses.getOrDefault(cameraId, List.of());
    return l.isEmpty() ? null : l.get(l.size() - 1).state();
  }

  /** What a new subscriber gets on the camera's status topic right away: the retained status' state. */
  public String retainedStatus(String cameraId) {
    MqttClient c = MqttClient.create(vertx, new MqttClientOptions().setClientId("late-" + UUID.randomUUID())
        .setUsername(OBSERVER_USER).setPassword(OBSERVER_PASSWORD).setCleanSession(true));
    java.util.concurrent.CompletableFuture<CameraStatus> first = new java.util.concurrent.CompletableFuture<>();
    c.publishHandler(m -> first.complete(Json.decode(m.payload().getBytes(), CameraStatus.class)));
    await(c.connect(brokerPort, brokerHost));
    await(MqttSubscriptions.subscribeGranted(c, "cameras/" + cameraId + "/status", 1));
    try {
      return first.get(WAIT.toSeconds(), TimeUnit.SECONDS).state();
    } catch (Exception e) {
      throw new AssertionError("no retained status for " + cameraId, e);
    } finally {
      await(c.disconnect());
    }
  }

  /** Removes a live storage key, as if it had expired or been revoked. */
  public void revokeKey(String accessKeyId) {
    await(new io.ipchls.credential.issuer.GrantMap(vertx).remove(accessKeyId));
  }

  /**
   * (Re)connects the observer. Its session is persistent, as ingest's should be: what is published while it is
   * away (or the broker restarts) is queued for it.
   */
  public void connectObserver() {
    observer = MqttClient.create(vertx, new MqttClientOptions().setClientId(observerId)
        .setUsername(OBSERVER_USER).setPassword(OBSERVER_PASSWORD).setCleanSession(false).setMaxInflightQueue(100));
    observer.publishHandler(m -> {
      String[] t = m.topicName().split("/");
      if (t.length == 3 && t[2].equals("segments")) {
        notifications.computeIfAbsent(t[1], k -> new CopyOnWriteArrayList<>())
            .add(Json.decode(m.payload().getBytes(), SegmentNotification.class));
      } else if (t.length == 3 && t[2].equals("events")) {
        events.computeIfAbsent(t[1], k -> new CopyOnWriteArrayList<>())
            .add(Json.decode(m.payload().getBytes(), io.ipchls.protocol.CameraEvent.class));
      } else if (t.length == 3 && t[2].equals("status")) {
        statuses.computeIfAbsent(t[1], k -> new CopyOnWriteArrayList<>())
            .add(Json.decode(m.payload().getBytes(), CameraStatus.class));
      }
    });
    await(observer.connect(brokerPort, brokerHost));
    await(MqttSubscriptions.subscribeGranted(observer, Map.of("cameras/+/segments", MqttQoS.AT_LEAST_ONCE.value(),
        "cameras/+/status", MqttQoS.AT_LEAST_ONCE.value(), "cameras/+/events", MqttQoS.AT_LEAST_ONCE.value())));
  }

  /** Publishes a command to a camera, as a service would. */
  public void sendCommand(String cameraId, Object command) {
    await(observer.publish("cameras/" + cameraId + "/commands", Buffer.buffer(Json.encode(command)),
        MqttQoS.AT_LEAST_ONCE, /* isDup= */ false, /* isRetain= */ false));
  }

  /** Publishes a command retained, as record tasks do; {@code null} clears the retained command. */
  public void sendRetainedCommand(String cameraId, Object command) {
    await(observer.publish("cameras/" + cameraId + "/commands",
        command == null ? Buffer.buffer() : Buffer.buffer(Json.encode(command)), MqttQoS.AT_LEAST_ONCE,
        /* isDup= */ false, /* isRetain= */ true));
  }

  /** Publishes raw bytes on a camera's command topic. */
  public void sendRawCommand(String cameraId, String payload) {
    await(observer.publish("cameras/" + cameraId + "/commands", Buffer.buffer(payload),
        MqttQoS.AT_LEAST_ONCE, /* isDup= */ false, /* isRetain= */ false));
  }

  /** Registers a camera (a fresh id with this label) and returns id and secret. */
  public Registered register(String label) {
    String id = label + "-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
              + "/api/v1/cameras")).header("Authorization", "Bearer " + ADMIN_TOKEN)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("id", id).encode())).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) throw new AssertionError("register " + id + ": " + r.statusCode() + " " + r.body());
      return new Registered(id, new JsonObject(r.body()).getString("secret"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A registered camera. */
  public record Registered(String id, String secret) {}

  /** Notifications for a camera so far, one per key (a redelivery replaces nothing). */
  public List<SegmentNotification> distinctNotifications(String cameraId) {
    Map<String, SegmentNotification> byKey = new java.util.LinkedHashMap<>();
    notifications.getOrDefault(cameraId, List.of()).forEach(n -> byKey.putIfAbsent(n.key(), n));
    return List.copyOf(byKey.values());
  }

  /**
   * Waits until every segment stored under the camera's prefix has been announced to the observer (closing a camera
   * waits for the broker's PUBACK, not for the delivery to subscribers), then returns the notifications by seq. fMP4
   * init segments ({@code <prefix>/init/}) are not announced on their own and not counted.
   */
  public List<SegmentNotification> awaitAllAnnounced(String cameraId) {
    int stored = (int) keys(cameraId).stream().filter(k -> !k.contains("/init/")).count();
    return io.ipchls.infra.Await.until("all " + stored + " stored segments of " + cameraId + " announced", WAIT,
            () -> distinctNotifications(cameraId), l -> l.size() >= stored).stream()
        .sorted(java.util.Comparator.comparingLong(SegmentNotification::seq)).toList();
  }

  /** The stored object and its content type. */
  public ResponseBytes<GetObjectResponse> object(String key) {
    return root.getObjectAsBytes(b -> b.bucket(bucket).key(key));
  }

  /** Keys stored under a prefix. */
  public List<String> keys(String prefix) {
    return root.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + "/")).contents().stream()
        .map(o -> o.key()).toList();
  }

  public String bucket() {
    return bucket;
  }

  public String mqttHost() {
    return brokerHost;
  }

  public int mqttPort() {
    return brokerPort;
  }

  @Override
  public void close() {
    stack.useBrokerAuth(null);
    stack.useKeyLookup(null);
    root.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no result within " + WAIT, e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
