package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import io.ipchls.device.Camera;
import io.ipchls.device.sim.SimulatedCamera;
import io.ipchls.infra.Await;
import io.ipchls.kit.cluster.Cluster;
import io.ipchls.protocol.Topics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * {@code ./ipc-hls ops ...} and the ops API against the demo's system ({@link LocalSystem}: the three services on one
 * clustered Vert.x) with a simulated camera recording; Hazelcast's own tooling against the same member (REST health
 * check, JMX, its command-line client); the Grafana dashboard against what the services export.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OpsCommandTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path DASHBOARD = Path.of("..", "infra", "grafana", "ipc-hls.json");
  private static final Path ALERTS = Path.of("..", "infra", "prometheus", "ipc-hls-alerts.yml");
  @TempDir static Path data;
  static LocalSystem sys;
  static Camera camera;
  static SimulatedCamera source;

  /** What a run printed and returned. */

  @BeforeAll
  static void startDemoSystem() throws Exception {
    sys = LocalSystem.start(EndToEndTest.testConfig(data, "ipc-hls-ops", 5911));
    String secret = new AdminClient(sys.credentialUrl(), sys.adminToken()).registerOrRotate("ops-cam");
    camera = Camera.builder().cameraId("ops-cam").secret(secret).mqtt(sys.mqttHost(), sys.mqttPort())
        .mqttTls(true).trustedCa(sys.caFile())
        .segmentSeconds(1).statusInterval(Duration.ofSeconds(1)).build();
    source = new SimulatedCamera(/* width= */ 160, /* height= */ 96, /* fps= */ 5, /* keyFrameInterval= */ 5,
        "ops-cam", camera::putFrame);
    camera.start();
    source.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (source != null) source.close();
    if (camera != null) camera.close();
    if (sys != null) sys.close();
  }

  @Test
  void opsStatus_printsTheClusterEveryServiceHealthyAndTheCameraOnline() {
    CliRun run = Await.until("ops status: all up, the camera online and its uploads reported", WAIT,
        () -> CliRun.of("ops", "status", "--url", sys.credentialUrl().toString(), "--token", sys.adminToken()),
        r -> r.exit() == 0 && r.out().contains("cameras online: 1") && !r.out().contains("report 0 segments uploaded")
            && Pattern.compile("segments indexed [1-9]").matcher(r.out()).find());
    String out = run.out();
    assertTrue(out.startsWith("cluster " + clusterName() + ": UP — 1 member(s), 3 service instance(s), 3 healthy"),
        out);
    for (String service : List.of("credential-service", "ingest-service", "playlist-service")) {
      assertTrue(Pattern.compile("(?m)^" + service + " +" + service + "-\\w+ +\\w+ +UP ").matcher(out).find(), out);
    }
    assertTrue(out.contains("credentials issued 1"), out);
    assertTrue(Pattern.compile("segments indexed [1-9]").matcher(out).find(), out);
    assertTrue(out.contains("retention: done"), out);
  }

  @Test
  void usage_printsTheRecordingCameraWithItsStorageAndEstimate_asTableAndCsv() {
    CliRun run = Await.until("usage: the recording camera with objects stored", WAIT,
        () -> CliRun.of("usage", "--url", sys.ingestUrl().toString(), "--token", sys.adminToken()),
        r -> r.exit() == 0 && r.out().lines().anyMatch(l -> l.startsWith("ops-cam ") && !l.matches(
            "ops-cam +0 B +0 .*")));
    assertTrue(run.out().startsWith("Usage " + java.time.YearMonth.now(java.time.ZoneOffset.UTC)
        + " (UTC), prices: CNY 0.1755 per GB-month"), run.out());
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("total ")), run.out());
    CliRun csv = CliRun.of("usage", "--csv", "--url", sys.ingestUrl().toString(), "--token", sys.adminToken());
    assertEquals(0, csv.exit(), csv.err());
    assertTrue(csv.out().startsWith("camera_id,stored_bytes,stored_objects,puts,"), csv.out());
    String line = csv.out().lines().filter(l -> l.startsWith("ops-cam,")).findFirst().orElseThrow();
    assertTrue(Long.parseLong(line.split(",")[1]) > 0, "stored bytes of the recording camera: " + line);
  }

  @Test
  void usage_badMonth_isAUsageError() {
    CliRun run = CliRun.of("usage", "--month", "2026-13", "--url", sys.ingestUrl().toString(), "--token",
        sys.adminToken());
    assertEquals(2, run.exit(), run.out());
    assertTrue(run.err().contains("--month must be YYYY-MM, got '2026-13'"), run.err());
  }

  @Test
  void usage_badAccount_isAUsageError() {
    CliRun run = CliRun.of("usage", "--account", "Not An Id", "--url", sys.ingestUrl().toString(), "--token",
        sys.adminToken());
    assertEquals(2, run.exit(), run.out());
    assertTrue(run.err().contains("--account must match"), run.err());
  }

  @Test
  void opsMembers_listsTheMemberWithItsThreeServices() {
    CliRun run = CliRun.of("ops", "members", "--url", sys.credentialUrl().toString(), "--token", sys.adminToken());
    assertEquals(0, run.exit(), run.err());
    String uuid = hazelcast().getCluster().getLocalMember().getUuid().toString();
    assertTrue(run.out().contains(uuid + " "), run.out());
    assertTrue(run.out().contains("credential-service, ingest-service, playlist-service"), run.out());
  }

  @Test
  void everyServiceAnswersForTheWholeCluster() throws Exception {
    for (URI base : List.of(sys.credentialUrl(), sys.ingestUrl(), sys.playlistUrl())) {
      HttpResponse<String> r = get(base + "/ops/v1/status", sys.adminToken());
      assertEquals(200, r.statusCode(), base + ": " + r.body());
      JsonObject status = new JsonObject(r.body());
      assertEquals(3, status.getJsonArray("instances").size(), r.body());
      assertEquals(clusterName(), status.getJsonObject("cluster").getString("name"));
    }
  }

  @Test
  void metrics_withoutOrWithAWrongToken_is401_andWithTheToken200() throws Exception {
    for (URI base : List.of(sys.credentialUrl(), sys.ingestUrl(), sys.playlistUrl())) {
      HttpResponse<String> none = get(base + "/metrics", null);
      assertEquals(401, none.statusCode(), none.body());
      assertEquals("unauthorized", new JsonObject(none.body()).getString("error"));
      assertEquals(401, get(base + "/metrics", "not-the-admin-token").statusCode());
      assertEquals(200, get(base + "/metrics", sys.adminToken()).statusCode());
    }
  }

  @Test
  void opsApi_withoutOrWithAWrongToken_is401() throws Exception {
    for (URI base : List.of(sys.credentialUrl(), sys.ingestUrl(), sys.playlistUrl())) {
      HttpResponse<String> none = get(base + "/ops/v1/status", null);
      assertEquals(401, none.statusCode(), none.body());
      assertEquals("unauthorized", new JsonObject(none.body()).getString("error"));
      assertEquals(401, get(base + "/ops/v1/members", "not-the-admin-token").statusCode());
    }
    CliRun run = CliRun.of("ops", "status", "--url", sys.credentialUrl().toString(), "--token", "wrong-token");
    assertEquals(1, run.exit());
    assertTrue(run.err().contains("401"), run.err());
  }

  @Test
  void opsStatus_whenNothingListens_saysSo() throws Exception {
    CliRun run = CliRun.of("ops", "status", "--url", "http://127.0.0.1:" + LocalSystem.freeIfZero(0), "--token", "x");
    assertEquals(1, run.exit());
    assertTrue(run.err().contains("cannot reach"), run.err());
  }

  @Test
  void hazelcastHealthCheck_answersOnTheMemberPort() throws Exception {
    int port = hazelcast().getCluster().getLocalMember().getAddress().getPort();
    HttpResponse<String> ready = get("http://127.0.0.1:" + port + "/hazelcast/health/ready", null);
    assertEquals(200, ready.statusCode(), ready.body());
    HttpResponse<String> health = get("http://127.0.0.1:" + port + "/hazelcast/health", null);
    assertEquals(200, health.statusCode());
    JsonObject body = new JsonObject(health.body());
    assertEquals("ACTIVE", body.getString("clusterState"), health.body());
    assertEquals(1, body.getInteger("clusterSize"), health.body());
  }

  @Test
  void hazelcastJmx_exposesTheMemberAndTheClusterMaps() throws Exception {
    Set<ObjectName> names = ManagementFactory.getPlatformMBeanServer()
        .queryNames(new ObjectName("com.hazelcast:instance=" + hazelcast().getName() + ",*"), null);
    Set<String> types = new TreeSet<>();
    names.forEach(n -> types.add(n.getKeyProperty("type")));
    assertTrue(types.contains("HazelcastInstance"), types.toString());
    assertTrue(types.contains("IMap"), types.toString());
  }

  @Test
  void hazelcastCommandLineClient_seesTheCluster() throws Exception {
    int port = hazelcast().getCluster().getLocalMember().getAddress().getPort();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m",
        "-cp", cp, "com.hazelcast.client.console.HazelcastCommandLine",
        "-t", clusterName() + "@127.0.0.1:" + port, "cluster")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("State: ACTIVE"), out);
    assertTrue(out.contains("Members (1)") || out.contains("Size: 1"), out);
  }

  /**
   * Every metric the Grafana dashboard queries is exported by a running service. Each refusal kind is provoked once
   * (a wrong secret, a malformed credential request, a malformed notification), because Prometheus shows a labelled
   * counter only after its first count.
   */
  @Test
  void grafanaDashboard_queriesOnlyMetricsTheServicesExport() throws Exception {
    provokeRefusals();
    get(sys.playlistUrl() + "/playlist.m3u8?camera_id=ops-cam", sys.viewerToken(60, "ops-cam"));
    Set<String> wanted = dashboardMetrics(new JsonObject(Files.readString(DASHBOARD)));
    assertTrue(wanted.size() >= 10, wanted.toString());
    awaitExported("every dashboard metric exported", wanted);
  }

  /** The sample alerting rules are well-formed and every metric they query is exported by a running service. */
  @Test
  void alertRules_areWellFormed_andQueryOnlyMetricsTheServicesExport() throws Exception {
    provokeRefusals();
    Map<String, Object> doc = new Yaml().load(Files.readString(ALERTS));
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Object g : (List<?>) doc.get("groups")) rules.addAll(rulesOf((Map<?, ?>) g));
    assertTrue(rules.size() >= 5, rules.toString());
    Set<String> wanted = new TreeSet<>();
    for (Map<String, Object> rule : rules) {
      assertTrue(rule.get("alert") instanceof String a && !a.isBlank(), rule.toString());
      assertTrue(((Map<?, ?>) rule.get("labels")).get("severity") instanceof String, rule.toString());
      assertTrue(((Map<?, ?>) rule.get("annotations")).get("summary") instanceof String, rule.toString());
      wanted.addAll(metricsIn(String.valueOf(rule.get("expr"))));
    }
    assertTrue(wanted.containsAll(Set.of("ingest_db_retrying", "segments_rejected_total",
        "camera_segments_dropped_total")), wanted.toString());
    awaitExported("every metric the alert rules query exported", wanted);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rulesOf(Map<?, ?> group) {
    return (List<Map<String, Object>>) group.get("rules");
  }

  private static void awaitExported(String what, Set<String> wanted) {
    Await.until(what, WAIT, () -> {
      Set<String> missing = new TreeSet<>(wanted);
      missing.removeAll(exported());
      return missing;
    }, Set::isEmpty);
  }

  /** The stack's broker speaks MQTT over TLS only, with a certificate of its local CA. */
  private static MqttClientOptions overTls(MqttClientOptions options) {
    options.setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
        .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(sys.caFile().toString()));
    return options;
  }

  private static void provokeRefusals() throws Exception {
    var vertx = sys.vertx();
    MqttClient wrong = MqttClient.create(vertx, overTls(new MqttClientOptions().setClientId("ops-cam-x")
        .setUsername("ops-cam-x").setPassword("not-a-secret")));
    try {
      LocalSystem.await(wrong.connect(sys.mqttPort(), sys.mqttHost()));
    } catch (Exception expected) {
      // refused, as wanted
    }
    String secret = new AdminClient(sys.credentialUrl(), sys.adminToken()).registerOrRotate("ops-raw");
    MqttClient raw = MqttClient.create(vertx, overTls(new MqttClientOptions().setClientId("ops-raw")
        .setUsername("ops-raw").setPassword(secret)));
    LocalSystem.await(raw.connect(sys.mqttPort(), sys.mqttHost()));
    LocalSystem.await(raw.publish(Topics.credentialsRequest("ops-raw"), Buffer.buffer("{not json"),
        MqttQoS.AT_LEAST_ONCE, false, false));
    LocalSystem.await(raw.publish(Topics.segments("ops-raw"), Buffer.buffer("{not json"), MqttQoS.AT_LEAST_ONCE,
        false, false));
    LocalSystem.await(raw.disconnect());
  }

  /** PromQL words that are not metric names. */
  private static final Set<String> PROMQL = Set.of("sum", "rate", "by", "histogram_quantile", "increase", "avg",
      "max", "min", "without", "on", "le", "irate", "count");
  private static final Pattern LABELS_OR_RANGE =
      Pattern.compile("\\{[^}]*}|\\[[^]]*]|\"[^\"]*\"|\\b(by|without|on|ignoring)\\s*\\([^)]*\\)");
  private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  static Set<String> dashboardMetrics(JsonObject dashboard) {
    Set<String> names = new TreeSet<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      for (Object t : ((JsonObject) p).getJsonArray("targets")) {
        names.addAll(metricsIn(((JsonObject) t).getString("expr")));
      }
    }
    return names;
  }

  /** The metric names a PromQL expression queries. */
  static Set<String> metricsIn(String promql) {
    Set<String> names = new TreeSet<>();
    Matcher m = IDENT.matcher(LABELS_OR_RANGE.matcher(promql).replaceAll(" "));
    while (m.find()) {
      if (!PROMQL.contains(m.group())) names.add(m.group());
    }
    return names;
  }

  private static Set<String> exported() {
    Set<String> names = new HashSet<>();
    for (URI base : List.of(sys.credentialUrl(), sys.ingestUrl(), sys.playlistUrl())) {
      try {
        for (String line : get(base + "/metrics", sys.adminToken()).body().split("\n")) {
          if (line.isEmpty() || line.startsWith("#")) continue;
          Matcher m = IDENT.matcher(line);
          if (m.lookingAt()) names.add(m.group());
        }
      } catch (Exception e) {
        throw new AssertionError(base + "/metrics: " + e, e);
      }
    }
    return names;
  }

  private static HazelcastInstance hazelcast() {
    return Cluster.hazelcast(sys.vertx()).orElseThrow();
  }

  private static String clusterName() {
    return hazelcast().getConfig().getClusterName();
  }

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

}
