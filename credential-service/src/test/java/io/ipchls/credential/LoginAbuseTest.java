package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;
import static io.ipchls.credential.TestService.newCameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.credential.auth.Secrets;
import io.ipchls.credential.db.AuditRetention;
import io.ipchls.credential.db.CameraStore;
import io.ipchls.credential.broker.BrokerAuthClient;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.protocol.BrokerLoginDecision;
import io.ipchls.protocol.BrokerLoginRequest;
import io.ipchls.protocol.ClusterNames;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.MqttConnectionException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 15 items 3 and 4 on real servers: failed logins throttled per camera id and per source address across two
 * credential-service instances (each on its own Vert.x, so all they share is the database) before any hash check
 * (counted by {@code broker_auth_hash_checks_total}), refused logins audited as counts, the audit retention, the
 * services' reserved namespace at connect, and cameras with bcrypt hashes from before logging in and being rehashed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoginAbuseTest {
  private static final int PER_CAMERA = 3;
  private static final int PER_ADDRESS = 4;
  private static final JsonObject LIMITS = new JsonObject().put("auth", new JsonObject()
      .put("maxFailuresPerCamera", PER_CAMERA).put("maxFailuresPerAddress", PER_ADDRESS)
      .put("failureWindowSeconds", 3600));
  private static TestService a;
  private static TestService b;
  private static Vertx second;
  private static int addresses;

  @BeforeAll
  static void deploy(Vertx vertx) {
    a = TestService.deploy(vertx, LIMITS.copy());
    second = Vertx.vertx();
    b = TestService.deploy(second, LIMITS.copy());
  }

  @AfterAll
  static void close() {
    a.unwire();
    await(second.close());
  }

  /** A source address no other test uses (TEST-NET-3). */
  private static synchronized String newAddress() {
    addresses++;
    return "203.0.113." + addresses;
  }

  @Test
  void wrongSecret_isThrottledPerCameraAfterNFailures_acrossInstances_withoutAHashCheck() {
    String id = newCameraId("thr");
    String secret = a.register(id).getString("secret");
    for (int i = 0; i < PER_CAMERA; i++) {
      TestService on = i % 2 == 0 ? a : b;
      assertEquals("bad_credentials", login(on, id, "wrong-" + i, newAddress()).reason());
    }
    double checksA = hashChecks(a);
    double checksB = hashChecks(b);
    assertEquals("throttled", login(a, id, "wrong-again", newAddress()).reason());
    assertEquals("throttled", login(b, id, "wrong-again", newAddress()).reason());
    assertEquals(checksA, hashChecks(a), "a throttled login is refused without a hash check");
    assertEquals(checksB, hashChecks(b), "a throttled login is refused without a hash check");
    assertTrue(metric(a, "broker_auth_refused_total", "reason", "throttled") >= 1);
    // until the window ends, even the right secret is not checked (it was never cached)
    assertEquals("throttled", login(b, id, secret, newAddress()).reason());
  }

  @Test
  void wrongSecrets_areThrottledPerAddressAfterNFailures_acrossInstances_withoutAHashCheck() {
    String address = newAddress();
    for (int i = 0; i < PER_ADDRESS; i++) {
      String other = newCameraId("spray");
      a.register(other);
      assertEquals("bad_credentials", login(i % 2 == 0 ? a : b, other, "guess", address).reason());
    }
    String id = newCameraId("nat");
    String secret = a.register(id).getString("secret");
    double checks = hashChecks(b);
    assertEquals("throttled", login(b, id, secret, address).reason());
    assertEquals(checks, hashChecks(b), "a throttled login is refused without a hash check");
    assertTrue(login(b, id, secret, newAddress()).ok(), "another address is not throttled");
  }

  @Test
  void unknownCameras_countAgainstTheirAddress() {
    String address = newAddress();
    for (int i = 0; i < PER_ADDRESS; i++) {
      assertEquals("unknown_user", login(i % 2 == 0 ? a : b, newCameraId("ghost"), "x", address).reason());
    }
    assertEquals("throttled", login(a, newCameraId("ghost"), "x", address).reason());
  }

  @Test
  void rightSecret_afterSomeFailures_logsIn_andClearsTheCamerasCount() {
    String id = newCameraId("clr");
    String secret = a.register(id).getString("secret");
    for (int i = 0; i < PER_CAMERA - 1; i++) {
      assertEquals("bad_credentials", login(a, id, "wrong", newAddress()).reason());
    }
    assertTrue(login(b, id, secret, newAddress()).ok());
    TestService.awaitCondition("failures cleared", () -> a.db
        .preparedQuery("SELECT count(*) FROM credential.login_failures WHERE key = $1")
        .execute(Tuple.of("id:" + id)).map(rows -> rows.iterator().next().getLong(0) == 0));
    assertEquals("bad_credentials", login(a, id, "wrong", newAddress()).reason());
  }

  @Test
  void refusedLogins_areAuditedAsOneRowWithACount_whenTheIntervalEnds() {
    Vertx own = Vertx.vertx();
    TestService c = TestService.deploy(own, new JsonObject().put("audit",
        new JsonObject().put("refusalIntervalSeconds", 3600)));
    String id = newCameraId("aud");
    c.register(id);
    String address = newAddress();
    for (int i = 0; i < 7; i++) assertFalse(login(c, id, "wrong", address).ok());
    assertEquals(0, auditRows(id).size(), "nothing is written per refused connect");
    await(own.close()); // the interval ends with the instance: its counts are written
    List<Row> rows = auditRows(id);
    assertEquals(2, rows.size(), "one row per reason: 5 wrong secrets (the default limit), then 2 throttled");
    assertEquals("bad_credentials", rows.get(0).getString("reason"));
    assertEquals(5, rows.get(0).getInteger("count"));
    assertEquals("throttled", rows.get(1).getString("reason"));
    assertEquals(2, rows.get(1).getInteger("count"));
    for (Row r : rows) {
      assertEquals(address, r.getString("source_address"));
      assertEquals("refused", r.getString("outcome"));
    }
  }

  @Test
  void auditRetention_deletesRowsOlderThanTheRetention_only() {
    String id = newCameraId("ret");
    await(a.db.preparedQuery("INSERT INTO credential.audit (at, camera_id, action, outcome, reason) VALUES "
        + "(now() - interval '91 days', $1, 'test', 'ok', 'old'), (now() - interval '89 days', $1, 'test', 'ok', "
        + "'kept'), (now(), $1, 'test', 'ok', 'new')").execute(Tuple.of(id)));
    await(a.db.preparedQuery("INSERT INTO credential.login_failures (key, failures, window_start) VALUES "
        + "($1, 9, now() - interval '2 hours')").execute(Tuple.of("id:" + id)));
    CameraStore store = CameraStore.open(a.vertx, a.config.db());
    try {
      int deleted = await(new AuditRetention(store, /* retentionDays= */ 90, /* failureWindowSeconds= */ 3600,
          /* bucketFullSeconds= */ 300).sweep());
      assertTrue(deleted >= 1);
    } finally {
      await(store.close());
    }
    List<String> left = new ArrayList<>();
    await(a.db.preparedQuery("SELECT reason FROM credential.audit WHERE camera_id = $1 ORDER BY at")
        .execute(Tuple.of(id))).forEach(r -> left.add(r.getString(0)));
    assertEquals(List.of("kept", "new"), left);
    assertEquals(0L, await(a.db.preparedQuery("SELECT count(*) FROM credential.login_failures WHERE key = $1")
        .execute(Tuple.of("id:" + id))).iterator().next().getLong(0), "a passed failure window is deleted");
  }

  @Test
  void reservedId_registeredBeforeTheRule_isRefusedAtLogin() {
    String secret = Secrets.cameraSecret();
    String id = "ingest-" + newCameraId("evil");
    insertDevice(id, Sha256.hex(secret), "sha256");
    BrokerLoginDecision d = login(a, id, secret, newAddress());
    assertEquals("reserved_id", d.reason());
    assertTrue(metric(a, "broker_auth_refused_total", "reason", "reserved_id") >= 1);
  }

  @Test
  void reservedId_isRefusedAtMqttConnect() {
    String secret = Secrets.cameraSecret();
    String id = "credential-" + newCameraId("evil");
    insertDevice(id, Sha256.hex(secret), "sha256");
    a.wireEmbeddedStack();
    try {
      MqttClient client = MqttClient.create(a.vertx, new MqttClientOptions().setClientId(id).setUsername(id)
          .setPassword(secret).setCleanSession(true));
      Throwable refused = await(client.connect(a.stack.broker().port(), a.stack.broker().host())
          .transform(ar -> Future.succeededFuture(ar.cause())));
      assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
          ((MqttConnectionException) refused).code());
    } finally {
      a.unwire();
    }
  }

  /**
   * Both instances take requests from the shared subscription; with a bucket per instance a camera got up to
   * {@code burst} from each, now it gets {@code burst} in all.
   */
  @Test
  void credentialRequests_areRateLimitedAcrossInstances() {
    String id = newCameraId("bucket");
    String secret = a.register(id).getString("secret");
    int burst = a.config.rateLimit().burst();
    int sent = burst * 4;
    long start = System.currentTimeMillis();
    int issued = 0;
    int limited = 0;
    a.wireEmbeddedStack();
    try (TestCamera cam = TestCamera.connect(a, id, secret)) {
      for (int i = 0; i < sent; i++) {
        cam.publish(io.ipchls.protocol.Topics.credentialsRequest(id), "{\"v\":1,\"requestId\":\"b-" + i + "\"}");
      }
      for (var r : cam.collectResponses(sent).values()) {
        if (r.error() == null) issued++;
        else if (r.error().contains("too many")) limited++;
      }
    } finally {
      a.unwire();
    }
    long refills = (System.currentTimeMillis() - start) / (a.config.rateLimit().refillSeconds() * 1000L) + 1;
    assertTrue(issued <= burst + refills, "issued " + issued + " of " + sent + " across two instances");
    assertEquals(sent, issued + limited);
    assertTrue(metric(a, "credentials_refused_total", "reason", "rate_limited")
        + metric(b, "credentials_refused_total", "reason", "rate_limited") >= sent - burst - refills);
  }

  @Test
  void bcryptCamera_logsIn_andIsRehashedToSha256() {
    String id = newCameraId("old");
    String secret = Secrets.cameraSecret();
    insertDevice(id, OpenBSDBCrypt.generate(secret.toCharArray(), Secrets.randomBytes(16), 4), "bcrypt");
    double rehashed = metric(a, "broker_auth_rehashed_total", null, null);
    assertTrue(login(a, id, secret, newAddress()).ok());
    Row row = device(id);
    assertEquals("sha256", row.getString("secret_scheme"));
    assertEquals(Sha256.hex(secret), row.getString("secret_hash"));
    assertEquals(1, row.getInteger("secret_version"), "a rehash is no rotation");
    assertEquals(rehashed + 1, metric(a, "broker_auth_rehashed_total", null, null));
    // the other instance has no cached login: it checks the new SHA-256 hash
    double sha = metric(b, "broker_auth_hash_checks_total", "scheme", "sha256");
    assertTrue(login(b, id, secret, newAddress()).ok());
    assertEquals(sha + 1, metric(b, "broker_auth_hash_checks_total", "scheme", "sha256"));
  }

  @Test
  void bcryptCamera_wrongSecret_isRefused_andKeepsItsHash() {
    String id = newCameraId("oldbad");
    String secret = Secrets.cameraSecret();
    String hash = OpenBSDBCrypt.generate(secret.toCharArray(), Secrets.randomBytes(16), 4);
    insertDevice(id, hash, "bcrypt");
    assertEquals("bad_credentials", login(a, id, "wrong", newAddress()).reason());
    assertEquals(hash, device(id).getString("secret_hash"));
    assertEquals("bcrypt", device(id).getString("secret_scheme"));
  }

  @Test
  void newCamera_isCheckedByItsSha256() {
    String id = newCameraId("new");
    String secret = a.register(id).getString("secret");
    double sha = metric(b, "broker_auth_hash_checks_total", "scheme", "sha256");
    double bcrypt = metric(b, "broker_auth_hash_checks_total", "scheme", "bcrypt");
    assertTrue(login(b, id, secret, newAddress()).ok());
    assertEquals(sha + 1, metric(b, "broker_auth_hash_checks_total", "scheme", "sha256"));
    assertEquals(bcrypt, metric(b, "broker_auth_hash_checks_total", "scheme", "bcrypt"));
  }

  private static void insertDevice(String id, String hash, String scheme) {
    await(a.db.preparedQuery("INSERT INTO credential.devices (id, secret_hash, secret_scheme, prefix) "
        + "VALUES ($1, $2, $3, $1)").execute(Tuple.of(id, hash, scheme)));
  }

  private static Row device(String id) {
    return await(a.db.preparedQuery("SELECT secret_hash, secret_scheme, secret_version FROM credential.devices "
        + "WHERE id = $1").execute(Tuple.of(id))).iterator().next();
  }

  private static List<Row> auditRows(String id) {
    List<Row> rows = new ArrayList<>();
    await(a.db.preparedQuery("SELECT outcome, reason, source_address, count FROM credential.audit "
        + "WHERE camera_id = $1 AND action = 'broker.auth' ORDER BY reason").execute(Tuple.of(id))).forEach(rows::add);
    return rows;
  }

  private static BrokerLoginDecision login(TestService on, String id, String password, String address) {
    JsonObject request = BrokerAuthClient.sealedRequest(on.vertx, id, id, password, address);
    JsonObject reply = await(on.vertx.eventBus().<JsonObject>request(ClusterNames.BROKER_AUTHENTICATE, request))
        .body();
    return BrokerAuthClient.openReply(on.vertx, request, reply);
  }

  private static double hashChecks(TestService on) {
    return metric(on, "broker_auth_hash_checks_total", "scheme", "sha256")
        + metric(on, "broker_auth_hash_checks_total", "scheme", "bcrypt");
  }

  /** A counter as {@code /metrics} shows it (0 when absent), read with the admin token. */
  static double metric(TestService on, String name, String tag, String value) {
    var r = await(on.admin(io.vertx.core.http.HttpMethod.GET, "/metrics").send());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    String labels = tag == null ? "(\\{[^}]*})?" : "\\{[^}]*" + tag + "=\"" + Pattern.quote(value) + "\"[^}]*}";
    Matcher m = Pattern.compile("(?m)^" + name + labels + " ([0-9.eE+-]+)$").matcher(r.bodyAsString());
    double sum = 0;
    while (m.find()) sum += Double.parseDouble(m.group(m.groupCount()));
    return sum;
  }
}
