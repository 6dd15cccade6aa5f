package io.ipchls.credential;

import io.ipchls.infra.Await;

import io.ipchls.credential.broker.BrokerAuthClient;
import io.ipchls.credential.issuer.EmbeddedKeys;
import io.ipchls.infra.AuthDecision;
import io.ipchls.infra.BrokerAuth;
import io.ipchls.infra.LocalStack;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.CameraChanged;
import io.ipchls.protocol.ClusterNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** credential-service deployed on a test's Vert.x against the shared local stack, plus the clients tests need. */
final class TestService {
  static final String ADMIN_TOKEN = "test-admin-token-0123456789";
  static final String SERVICE_USER = "credential-svc";
  static final String SERVICE_PASSWORD = "credential-svc-password";
  static final String INGEST_USER = "ingest-svc";
  static final String INGEST_PASSWORD = "ingest-svc-password";
  static final Duration WAIT = Duration.ofSeconds(30);

  final LocalStack stack = LocalStack.sharedForTests();
  final Vertx vertx;
  final CredentialConfig config;
  final WebClient web;
  final Pool db;
  private MessageConsumer<Object> cameraChanges;

  private TestService(Vertx vertx, CredentialConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.web = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost(config.http().host()).setDefaultPort(config.http().port()));
    this.db = Database.pool(vertx, config.db());
  }

  static TestService deploy(Vertx vertx) {
    return deploy(vertx, new JsonObject());
  }

  /** With {@code overrides} deep-merged into the test configuration. */
  static TestService deploy(Vertx vertx, JsonObject overrides) {
    CredentialConfig config = CredentialConfig.fromJson(configJson(LocalStack.sharedForTests(), freePort())
        .mergeIn(overrides, true));
    await(CredentialService.deploy(vertx, config));
    return new TestService(vertx, config);
  }

  static JsonObject configJson(LocalStack stack, int httpPort) {
    var pg = stack.postgres();
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", httpPort))
        .put("db", pg.dbSection())
        .put("mqtt", stack.broker().mqttSection(SERVICE_USER, SERVICE_PASSWORD))
        .put("s3", new JsonObject().put("endpoint", stack.s3().endpoint().toString())
            .put("bucket", stack.s3().bucket()).put("region", stack.s3().region()).put("pathStyle", true))
        .put("adminToken", ADMIN_TOKEN)
        // Every test class logs in from 127.0.0.1 against the one shared database, where failed logins are counted
        // per address: the address throttle is tested with its own addresses and limits (LoginAbuseTest).
        .put("auth", new JsonObject().put("maxFailuresPerAddress", 1_000_000))
        // refused logins are audited per interval; tests poll for the rows, so the interval is short here
        .put("audit", new JsonObject().put("refusalIntervalSeconds", 1))
        .put("serviceAccounts", new JsonObject()
            .put(SERVICE_USER, Sha256.hex(SERVICE_PASSWORD))
            .put(INGEST_USER, Sha256.hex(INGEST_PASSWORD)));
  }

  /**
   * Wires the shared stack to this service the way the launcher does: the broker asks it who connects, and the S3
   * server looks temporary keys up in the cluster map it writes, and a disabled, rotated or deleted camera is
   * disconnected. {@link #unwire()} restores the stack's defaults.
   */
  void wireEmbeddedStack() {
    cameraChanges = vertx.eventBus().consumer(ClusterNames.CAMERA_CHANGED,
        m -> stack.broker().disconnect(CameraChanged.fromBody(m.body()).cameraId()));
    stack.useBrokerAuth(BrokerAuth.withSource((clientId, username, password, source) -> BrokerAuthClient.authenticate(
            vertx, clientId, username, password, source)
        .map(AuthDecision::of)
        .toCompletionStage()));
    stack.useKeyLookup(accessKeyId -> EmbeddedKeys.find(vertx, accessKeyId));
  }

  void unwire() {
    if (cameraChanges != null) await(cameraChanges.unregister());
    stack.useBrokerAuth(null);
    stack.useKeyLookup(null);
  }

  /** A camera id no other test uses. */
  static String newCameraId(String label) {
    return label + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  HttpRequest<Buffer> admin(HttpMethod method, String path) {
    return web.request(method, path).bearerTokenAuthentication(ADMIN_TOKEN);
  }

  /** Registers a camera and returns the 201 body (with its secret). */
  JsonObject register(String id) {
    HttpResponse<Buffer> r = await(admin(HttpMethod.POST, "/api/v1/cameras").sendJsonObject(new JsonObject()
        .put("id", id)));
    if (r.statusCode() != 201) throw new AssertionError("register " + id + ": " + r.statusCode() + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  HttpResponse<Buffer> setEnabled(String id, boolean enabled) {
    return await(admin(HttpMethod.PATCH, "/api/v1/cameras/" + id)
        .sendJsonObject(new JsonObject().put("enabled", enabled)));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + WAIT, e);
    }
  }

  /** Polls {@code check} until it yields true or the deadline passes. */
  static void awaitCondition(String what, Supplier<Future<Boolean>> check) {
    Await.until(what, WAIT, () -> await(check.get()));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
