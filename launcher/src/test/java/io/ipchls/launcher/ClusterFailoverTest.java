package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.credential.broker.BrokerAuthClient;
import io.ipchls.credential.issuer.EmbeddedKeys;
import io.ipchls.device.Camera;
import io.ipchls.device.sim.SimulatedCamera;
import io.ipchls.infra.Await;
import io.ipchls.infra.AuthDecision;
import io.ipchls.infra.BrokerOptions;
import io.ipchls.infra.EmbeddedBroker;
import io.ipchls.infra.EmbeddedPostgres;
import io.ipchls.infra.EmbeddedS3;
import io.ipchls.infra.S3Options;
import io.ipchls.kit.cluster.Cluster;
import io.ipchls.kit.cluster.ClusterConfig;
import io.ipchls.kit.cluster.Clustering;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.auth.ViewerTokens;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out on one machine: credential-service, two ingest-service and two playlist-service instances, each in its own
 * JVM ({@code io.ipchls.<service>.Main config.json}), in one Hazelcast cluster with this JVM, which runs the embedded
 * PostgreSQL, HiveMQ (whose logins go to credential-service over the event bus) and S3 server. Simulated cameras
 * record through the whole path; one ingest instance is killed (SIGKILL) mid-load, one playlist instance is stopped
 * (SIGTERM). Every announced segment must be indexed exactly once, live playlists must keep answering (with new
 * segments) from the surviving playlist instance, and the ops view must show the members gone.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterFailoverTest {
  /** The secret every member shares: the services in their own processes open what this JVM seals. */
  private static final String CLUSTER_SECRET = "dGVzdC1jbHVzdGVyLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  private static final String ADMIN_TOKEN = "failover-admin-token-0123456789abcdef";
  private static final String JWT_SECRET = "failover-viewer-jwt-secret-0123456789abcdef";
  private static final String ROOT_KEY = "FAILOVERROOT0000000";
  private static final String ROOT_SECRET = "failover-root-secret-0123456789";
  private static final String CREDENTIAL_PASSWORD = "credential-pw-0123456789";
  private static final String INGEST_PASSWORD = "ingest-pw-0123456789";
  private static final int CAMERAS = 5;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern MEDIA_SEQUENCE = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)");

  @TempDir static Path dir;
  static final List<AutoCloseable> closeables = new ArrayList<>();
  static Vertx vertx;
  static Pool pool;
  static ServiceProcess credential;
  static ServiceProcess ingestA;
  static ServiceProcess ingestB;
  static ServiceProcess playlistA;
  static ServiceProcess playlistB;
  static EmbeddedBroker broker;

  @BeforeAll
  static void startCluster() throws Exception {
    String clusterName = "ipc-hls-failover-" + ProcessHandle.current().pid();
    vertx = LocalSystem.await(Clustering.start(new ClusterConfig(clusterName, "127.0.0.1", 5931,
        List.of("127.0.0.1:5931"), CLUSTER_SECRET)));
    int memberPort = Cluster.hazelcast(vertx).orElseThrow().getCluster().getLocalMember().getAddress().getPort();
    EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("pg"), 0);
    closeables.add(pg);
    EmbeddedS3 s3 = EmbeddedS3.start(new S3Options(dir.resolve("s3"), "127.0.0.1", 0, "ipchls", "us-east-1",
        ROOT_KEY, ROOT_SECRET, key -> EmbeddedKeys.find(vertx, key)));
    closeables.add(s3);
    broker = EmbeddedBroker.start(new BrokerOptions(dir.resolve("mqtt"), "127.0.0.1", 0,
        (clientId, user, password) -> BrokerAuthClient.authenticate(vertx, clientId, user, password)
            .map(AuthDecision::of).otherwise(e -> AuthDecision.deny(e.getMessage())).toCompletionStage()));
    closeables.add(broker);

    JsonObject db = pg.dbSection();
    pool = Database.pool(vertx, io.ipchls.kit.config.DbConfig.from(
        io.ipchls.kit.config.Settings.root(new JsonObject().put("db", db)).section("db")));
    JsonObject s3Json = new JsonObject().put("endpoint", s3.endpoint().toString()).put("region", "us-east-1")
        .put("bucket", "ipchls").put("pathStyle", true).put("accessKeyId", ROOT_KEY).put("secretAccessKey", ROOT_SECRET);
    JsonObject mqtt = new JsonObject().put("host", broker.host()).put("port", broker.port());
    JsonObject cluster = new JsonObject().put("name", clusterName).put("host", "127.0.0.1").put("port", memberPort + 1)
        .put("members", "127.0.0.1:" + memberPort).put("secret", CLUSTER_SECRET);

    credential = service("credential", "io.ipchls.credential.Main", new JsonObject()
        .put("db", db).put("s3", s3Json).put("cluster", cluster).put("adminToken", ADMIN_TOKEN)
        .put("mqtt", mqtt.copy().put("username", LocalSystem.CREDENTIAL_ACCOUNT).put("password", CREDENTIAL_PASSWORD))
        .put("serviceAccounts", new JsonObject()
            .put(LocalSystem.CREDENTIAL_ACCOUNT, Sha256.hex(CREDENTIAL_PASSWORD))
            .put(LocalSystem.INGEST_ACCOUNT, Sha256.hex(INGEST_PASSWORD))));
    JsonObject ingest = new JsonObject().put("db", db).put("s3", s3Json).put("cluster", cluster)
        .put("adminToken", ADMIN_TOKEN).put("mqttConnections", 2)
        .put("mqtt", mqtt.copy().put("username", LocalSystem.INGEST_ACCOUNT).put("password", INGEST_PASSWORD));
    ingestA = service("ingest-a", "io.ipchls.ingest.Main", ingest.copy().put("instanceId", "failover-a"));
    ingestB = service("ingest-b", "io.ipchls.ingest.Main", ingest.copy().put("instanceId", "failover-b"));
    JsonObject playlist = new JsonObject().put("db", db).put("s3", s3Json).put("cluster", cluster)
        .put("adminToken", ADMIN_TOKEN).put("viewer", new JsonObject().put("jwtSecret", JWT_SECRET));
    playlistA = service("playlist-a", "io.ipchls.playlist.Main", playlist.copy());
    playlistB = service("playlist-b", "io.ipchls.playlist.Main", playlist.copy());

    credential.start();
    // migrations first (ingest's and credential's schemas), so that the others do not race each other's Flyway
    awaitHealthy(credential);
    ingestA.start();
    awaitHealthy(ingestA);
    for (ServiceProcess p : List.of(ingestB, playlistA, playlistB)) p.start();
    for (ServiceProcess p : List.of(ingestB, playlistA, playlistB)) awaitHealthy(p);
  }

  private static ServiceProcess service(String name, String main, JsonObject config) throws Exception {
    config.put("http", new JsonObject().put("host", "127.0.0.1").put("port", LocalSystem.freeIfZero(0)));
    ServiceProcess p = new ServiceProcess(name, main, dir, config);
    closeables.add(p);
    return p;
  }

  private static void awaitHealthy(ServiceProcess p) {
    try {
      Await.until(p.name + " healthy", WAIT, () -> p.alive() ? p.status("/health") : -2, s -> s == 200 || s == -2);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + p.logTail(), e);
    }
    if (!p.alive()) throw new AssertionError(p.name + " exited\n" + p.logTail());
  }

  @AfterAll
  static void stopAll() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        System.err.println("close: " + e);
      }
    }
    if (pool != null) pool.close();
    if (vertx != null) vertx.close();
  }

  @Test
  void ingestKilledAndPlaylistStopped_noSegmentLostOrDuplicated_survivorsServe_opsViewShowsIt() throws Exception {
    JsonObject before = awaitOps("all five instances healthy", s -> countHealthy(s) == 5);
    assertEquals(6, before.getJsonObject("cluster").getInteger("size"), "five services + this JVM");
    String ingestAMember = memberOf(before, ingestA.pid());
    String playlistAMember = memberOf(before, playlistA.pid());

    AdminClient admin = new AdminClient(credential.url(""), ADMIN_TOKEN);
    Map<String, Long> announced = new ConcurrentHashMap<>(); // key -> when the camera announced it
    List<String> ids = new ArrayList<>();
    List<Running> cameras = new ArrayList<>();
    long killedAt;
    long memberGoneMs;
    long duringOutage;
    try {
      for (int i = 0; i < CAMERAS; i++) {
        String id = "failover-cam-" + i;
        ids.add(id);
        cameras.add(new Running(id, admin.registerOrRotate(id), announced).start());
      }
      String token = new ViewerTokens(vertx, JWT_SECRET, Clock.systemUTC()).mint("t", List.of("*"), 3600).token();
      String cam = ids.get(0);
      Await.until("segments indexed under load", WAIT, () -> rows(), n -> n >= 3L * CAMERAS);

      // both playlist instances give every segment the same media sequence number (one window, in the cluster map)
      assertSameSequenceNumbers(live(playlistA, cam, token), live(playlistB, cam, token));

      // the worst moment: both instances hold unacknowledged notifications, some of them in writes waiting inside
      // PostgreSQL (held by a table lock), when one instance dies
      int heldFrom = announced.size();
      SqlConnection blocker = await(pool.getConnection());
      Transaction lock = await(blocker.begin());
      await(blocker.query("LOCK TABLE ingest.segments IN ACCESS EXCLUSIVE MODE").execute());
      Await.until("notifications held by both instances", WAIT,
          () -> announced.size() - heldFrom, n -> n >= 3L * CAMERAS);
      killedAt = System.currentTimeMillis();
      ingestA.kill();
      await(lock.rollback());
      await(blocker.close());
      awaitOps("the killed ingest member gone", s -> !members(s).contains(ingestAMember));
      memberGoneMs = System.currentTimeMillis() - killedAt;

      long seqBeforeStop = mediaSequence(live(playlistB, cam, token));
      int exit = playlistA.stop();
      assertTrue(exit == 143 && playlistA.logTail().contains("playlist-service stopped"),
          "playlist-service stops cleanly on SIGTERM (exit " + exit + ")\n" + playlistA.logTail());
      JsonObject after = awaitOps("the stopped playlist instance gone",
          s -> !members(s).contains(playlistAMember) && !pids(s).contains(playlistA.pid()));
      assertEquals(4, after.getJsonObject("cluster").getInteger("size"), after.encodePrettily());
      assertEquals(3, countHealthy(after), after.encodePrettily());
      // the survivor keeps answering, and its live playlist moves on with new segments
      Await.until("live playlist moves on at the surviving instance", WAIT,
          () -> mediaSequence(live(playlistB, cam, token)), seq -> seq > seqBeforeStop + 1);
      long at = killedAt;
      duringOutage = announced.values().stream().filter(t -> t >= at && t < at + memberGoneMs).count();
      int afterStop = announced.size(); // a little more load on the survivors: two more segments per camera
      Await.until("more segments announced to the survivors", WAIT, () -> announced.size() - afterStop,
          n -> n >= 2L * CAMERAS);
    } finally {
      for (Running c : cameras) c.close();
    }

    // every announced key exactly once in ingest.segments, nothing else
    Set<String> keys = Set.copyOf(announced.keySet());
    Await.until("every announced segment indexed", WAIT, () -> indexedKeys(ids).size(), n -> n >= keys.size());
    Map<String, Integer> indexed = indexedKeys(ids);
    Set<String> lost = new HashSet<>(keys);
    lost.removeAll(indexed.keySet());
    long duplicated = indexed.values().stream().filter(n -> n > 1).count();
    Set<String> unknown = new HashSet<>(indexed.keySet());
    unknown.removeAll(keys);
    long at = killedAt;
    List<String> beforeKill = announced.entrySet().stream().filter(e -> e.getValue() < at).map(Map.Entry::getKey)
        .toList();
    Row late = await(pool.preparedQuery("""
        SELECT count(*) FILTER (WHERE received_at > to_timestamp($2 / 1000.0)) AS late,
               (extract(epoch FROM max(received_at)) * 1000)::bigint AS last
        FROM ingest.segments WHERE object_key = ANY($1)""").execute(Tuple.of(beforeKill.toArray(String[]::new),
        killedAt))).iterator().next();
    Row next = await(pool.preparedQuery("""
        SELECT (extract(epoch FROM min(received_at)) * 1000)::bigint FROM ingest.segments
        WHERE camera_id = ANY($1) AND received_at > to_timestamp($2 / 1000.0)""")
        .execute(Tuple.of(ids.toArray(String[]::new), killedAt))).iterator().next();
    long inFlight = late.getLong("late");
    long recoveredMs = inFlight == 0 ? 0 : late.getLong("last") - killedAt;
    System.out.printf("%nFAILOVER: %d cameras, %d segments announced, %d indexed; ingest instance killed: %d segments"
            + " announced until its member left the cluster view (%d ms after the kill); %d announced before the kill"
            + " were committed after it, the last %d ms after the kill; first commit after the kill: %d ms; lost %d,"
            + " duplicated %d%n%n", CAMERAS, keys.size(), indexed.size(), duringOutage, memberGoneMs, inFlight,
        recoveredMs, next.getLong(0) == null ? -1 : next.getLong(0) - killedAt, lost.size(), duplicated);
    assertEquals(Set.of(), lost, "lost segments");
    assertEquals(0, duplicated, "duplicated segments");
    assertEquals(Set.of(), unknown, "segments nobody announced");
  }

  private static long rows() {
    return await(pool.query("SELECT count(*) FROM ingest.segments").execute()).iterator().next().getLong(0);
  }

  private static Map<String, Integer> indexedKeys(List<String> cameras) {
    Map<String, Integer> out = new HashMap<>();
    for (Row r : await(pool.preparedQuery(
        "SELECT object_key, count(*) AS n FROM ingest.segments WHERE camera_id = ANY($1) GROUP BY object_key")
        .execute(Tuple.of(cameras.toArray(String[]::new))))) {
      out.put(r.getString("object_key"), r.getInteger("n"));
    }
    return out;
  }

  private static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return LocalSystem.await(f);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String live(ServiceProcess p, String camera, String token) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(p.url("/playlist.m3u8?camera_id=" + camera))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      return r.body();
    } catch (java.io.IOException | InterruptedException e) {
      throw new AssertionError(p.name + " does not answer: " + e);
    }
  }

  private static long mediaSequence(String playlist) {
    Matcher m = MEDIA_SEQUENCE.matcher(playlist);
    assertTrue(m.find(), playlist);
    return Long.parseLong(m.group(1));
  }

  /** Object key -> media sequence number of each segment the playlist lists. */
  private static Map<String, Long> numbered(String playlist) {
    long seq = mediaSequence(playlist);
    Map<String, Long> out = new HashMap<>();
    for (String line : playlist.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      String path = URI.create(line.trim()).getPath();
      out.put(path.substring(path.indexOf("/", 1) + 1), seq++);
    }
    return out;
  }

  private static void assertSameSequenceNumbers(String a, String b) {
    Map<String, Long> na = numbered(a);
    Map<String, Long> nb = numbered(b);
    int common = 0;
    for (var e : na.entrySet()) {
      if (!nb.containsKey(e.getKey())) continue;
      common++;
      assertEquals(e.getValue(), nb.get(e.getKey()), "sequence number of " + e.getKey() + "\n" + a + "\n" + b);
    }
    assertTrue(common > 0, "the two instances list common segments\n" + a + "\n" + b);
  }

  // ---- the ops view, asked through credential-service (any service answers for the whole cluster) ----

  private static JsonObject ops() {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(credential.url("/ops/v1/status"))
          .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new JsonObject(r.body()) : new JsonObject();
    } catch (java.io.IOException | InterruptedException e) {
      return new JsonObject();
    }
  }

  private static JsonObject awaitOps(String what, java.util.function.Predicate<JsonObject> done) {
    return Await.until(what, WAIT, ClusterFailoverTest::ops, s -> !s.isEmpty() && done.test(s));
  }

  private static int countHealthy(JsonObject s) {
    return s.getJsonObject("summary").getInteger("healthy");
  }

  private static Set<String> members(JsonObject s) {
    Set<String> out = new HashSet<>();
    s.getJsonObject("cluster").getJsonArray("members").forEach(m -> out.add(((JsonObject) m).getString("id")));
    return out;
  }

  private static Set<Long> pids(JsonObject s) {
    Set<Long> out = new HashSet<>();
    s.getJsonArray("instances").forEach(i -> out.add(((JsonObject) i).getLong("pid")));
    return out;
  }

  private static String memberOf(JsonObject s, long pid) {
    JsonArray instances = s.getJsonArray("instances");
    for (Object o : instances) {
      JsonObject i = (JsonObject) o;
      if (i.getLong("pid") == pid) return i.getString("member");
    }
    throw new AssertionError("no instance with pid " + pid + " in " + s.encodePrettily());
  }

  /** A simulated camera (small picture, 1 s segments) recording through the real SDK; remembers what it announced. */
  private static final class Running implements AutoCloseable {
    final Camera camera;
    final SimulatedCamera source;

    Running(String id, String secret, Map<String, Long> announced) {
      camera = Camera.builder().cameraId(id).secret(secret).mqtt(broker.host(), broker.port()).segmentSeconds(1)
          .onUploaded((SegmentNotification n) -> announced.put(n.key(), System.currentTimeMillis())).build();
      source = new SimulatedCamera(/* width= */ 160, /* height= */ 96, /* fps= */ 5, /* keyFrameInterval= */ 5,
          id, camera::putFrame);
    }

    Running start() {
      camera.start();
      source.start();
      return this;
    }

    @Override
    public void close() throws Exception {
      source.close();
      camera.close();
    }
  }
}
