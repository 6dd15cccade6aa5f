package io.ipchls.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.ipchls.credential.CredentialConfig;
import io.ipchls.infra.Await;
import io.ipchls.infra.TestTools;
import io.ipchls.ingest.IngestConfig;
import io.ipchls.kit.cluster.ClusterConfig;
import io.ipchls.kit.cluster.Clustering;
import io.ipchls.kit.config.ConfigLoader;
import io.ipchls.kit.config.Settings;
import io.ipchls.playlist.PlaylistConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;

/**
 * The samples in {@code infra/samples} as their consumers read them: the services' config parsers (file and
 * environment), {@code systemd-analyze verify}, Hazelcast (two members join with the TCP-IP settings; the Kubernetes
 * manifest's settings give a DNS-discovery member config) and a YAML parser for the manifest.
 */
@Timeout(180)
class DeploymentSamplesTest {
  private static final Path SAMPLES = Path.of("..").toAbsolutePath().normalize().resolve("infra/samples");
  /** The secrets the sample env files leave empty, as an operator fills them in. */
  private static final String CLUSTER_SECRET = "c2FtcGxlLWNsdXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY=";
  private static final Map<String, String> SECRETS = Map.of(
      "IPCHLS_ADMINTOKEN", "sample-admin-token-0123456789abcdef",
      "IPCHLS_DB_PASSWORD", "db-pw", "IPCHLS_MQTT_PASSWORD", "mqtt-pw",
      "IPCHLS_S3_ACCESSKEYID", "AKIDEXAMPLE", "IPCHLS_S3_SECRETACCESSKEY", "s3-secret-0123456789",
      "IPCHLS_VIEWER_JWTSECRET", "viewer-signing-key-0123456789abcdef0123",
      "IPCHLS_CALLBACKS_MASTERKEY", "sample-webhook-master-key-0123456789abcdef",
      "IPCHLS_CLUSTER_SECRET", CLUSTER_SECRET);

  @Test
  void credentialSample_parses_andEverySettingCanComeFromTheEnvironment() throws IOException {
    CredentialConfig c = sameFromFileAndEnv("credential-service", CredentialConfig.defaults(),
        CredentialConfig::fromJson);
    assertEquals(CredentialConfig.Issuer.STS, c.issuer());
    assertEquals("verify-full", c.db().sslMode());
    assertTrue(c.mqtt().ssl());
    assertEquals("ipchls_credential", c.db().user());
  }

  @Test
  void ingestSample_parses_andEverySettingCanComeFromTheEnvironment() throws IOException {
    IngestConfig c = sameFromFileAndEnv("ingest-service", IngestConfig.defaults(), IngestConfig::fromJson);
    assertEquals("verify-full", c.db().sslMode());
    assertTrue(c.mqtt().ssl());
    assertTrue(c.s3Enabled(), "retention needs ingest's key pair");
    assertTrue(c.adminTokenSha256() != null, "recording control needs ingest's admin token");
    assertTrue(c.callbacks().webhooksEnabled(), "webhooks need the callbacks master key");
    assertEquals("https://video.example.com", c.control().playlistBaseUrl());
  }

  @Test
  void playlistSample_parses_andEverySettingCanComeFromTheEnvironment() throws IOException {
    PlaylistConfig c = sameFromFileAndEnv("playlist-service", PlaylistConfig.defaults(), PlaylistConfig::fromJson);
    assertEquals("ipchls_playlist", c.db().user());
    assertFalse(c.viewer().open());
  }

  /**
   * Parses the sample file (+ secrets), then the same settings given only as {@code IPCHLS_*} variables, one per
   * leaf of the file: both must give the same config, cluster section included.
   */
  private static <C> C sameFromFileAndEnv(String service, JsonObject defaults, Function<JsonObject, C> parse)
      throws IOException {
    Path file = SAMPLES.resolve("config/" + service + ".json");
    JsonObject fromFile = ConfigLoader.load(defaults, file, SECRETS);
    Map<String, String> env = new HashMap<>(SECRETS);
    leaves(ConfigLoader.readFile(file), "IPCHLS", env);
    JsonObject fromEnv = ConfigLoader.load(defaults, null, env);
    C config = parse.apply(fromFile);
    assertEquals(config, parse.apply(fromEnv), service + ": a setting of the sample cannot be set by environment");
    assertEquals(ClusterConfig.from(Settings.root(fromFile).section("cluster")),
        ClusterConfig.from(Settings.root(fromEnv).section("cluster")));
    return config;
  }

  private static void leaves(JsonObject json, String prefix, Map<String, String> env) {
    for (String k : json.fieldNames()) {
      String name = prefix + "_" + k.toUpperCase(Locale.ROOT);
      if (json.getValue(k) instanceof JsonObject o) leaves(o, name, env);
      else env.put(name, String.valueOf(json.getValue(k)));
    }
  }

  @Test
  void systemdUnits_passSystemdAnalyzeVerify_andStartAMainThatExists() throws Exception {
    TestTools.require("systemd-analyze");
    for (String service : List.of("credential", "ingest", "playlist")) {
      Path unit = SAMPLES.resolve("systemd/ipchls-" + service + ".service");
      Process p = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.waitFor(), unit + ": " + out);
      assertEquals("", out.strip(), unit + " has warnings");
      String unitText = Files.readString(unit);
      String main = "io.ipchls." + service + ".Main";
      assertTrue(unitText.contains("-cp /opt/ipc-hls/lib/* " + main), unit + " runs " + main);
      assertNotNull(Class.forName(main).getMethod("main", String[].class));
      assertTrue(unitText.contains("IPCHLS_CONFIG=/etc/ipc-hls/" + service + "-service.json"));
      assertTrue(Files.exists(SAMPLES.resolve("config/" + service + "-service.json")));
      assertTrue(Files.exists(SAMPLES.resolve("systemd/" + service + "-service.env")));
    }
  }

  @Test
  void tcpIpSample_twoMembersOnLoopbackJoinOneCluster() throws Exception {
    int port = freePort();
    Map<String, String> env = Map.of("IPCHLS_CLUSTER_NAME", "ipchls-sample-" + ProcessHandle.current().pid(),
        "IPCHLS_CLUSTER_HOST", "127.0.0.1", "IPCHLS_CLUSTER_PORT", String.valueOf(port),
        "IPCHLS_CLUSTER_MEMBERS", "127.0.0.1:" + port + ",127.0.0.1:" + (port + 1),
        "IPCHLS_CLUSTER_SECRET", CLUSTER_SECRET);
    JsonObject json = ConfigLoader.load(new JsonObject(), SAMPLES.resolve("config/ingest-service.json"), env);
    Config hz = Clustering.hazelcastConfig(ClusterConfig.from(Settings.root(json).section("cluster")));
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertFalse(join.getKubernetesConfig().isEnabled());
    assertMembersJoin(hz);
  }

  @Test
  void kubernetesSample_isValidYaml_headlessServiceSelectsEveryPod_andGivesDnsDiscovery() throws Exception {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(Files.readString(SAMPLES.resolve("kubernetes/ipc-hls.yaml")))) {
      docs.add(map(doc));
    }
    Map<String, Object> headless = find(docs, "Service", "ipchls-hazelcast");
    Map<String, Object> spec = map(headless.get("spec"));
    assertEquals("None", spec.get("clusterIP"));
    Map<String, Object> selector = map(spec.get("selector"));
    Map<String, String> common = strings(map(find(docs, "ConfigMap", "ipchls-common").get("data")));
    String ns = (String) map(headless.get("metadata")).get("namespace");
    assertEquals("ipchls-hazelcast." + ns + ".svc.cluster.local", common.get("IPCHLS_CLUSTER_KUBERNETES_SERVICEDNS"));

    Set<String> secretKeys = map(find(docs, "Secret", "ipchls-secrets").get("stringData")).keySet();
    Set<String> ingestEnv = new HashSet<>();
    int deployments = 0;
    for (Map<String, Object> d : docs) {
      if (!"Deployment".equals(d.get("kind"))) continue;
      deployments++;
      Map<String, Object> template = map(map(d.get("spec")).get("template"));
      Map<String, Object> labels = map(map(template.get("metadata")).get("labels"));
      assertTrue(labels.entrySet().containsAll(selector.entrySet()), d + " is not found by the headless service");
      Map<String, Object> container = map(((List<?>) map(template.get("spec")).get("containers")).get(0));
      List<?> command = (List<?>) container.get("command");
      assertNotNull(Class.forName((String) command.get(command.size() - 1)));
      for (Object e : (List<?>) container.get("env")) {
        Map<String, Object> var = map(e);
        if ("ingest-service".equals(container.get("name"))) ingestEnv.add((String) var.get("name"));
        Object from = var.get("valueFrom");
        if (from == null || !map(from).containsKey("secretKeyRef")) continue;
        String key = (String) map(map(from).get("secretKeyRef")).get("key");
        assertTrue(secretKeys.contains(key), var.get("name") + " refers to " + key + ", which the Secret lacks");
      }
    }
    assertTrue(ingestEnv.containsAll(List.of("IPCHLS_ADMINTOKEN", "IPCHLS_CALLBACKS_MASTERKEY")),
        "ingest gets recording control and webhooks: " + ingestEnv);
    assertEquals(3, deployments);

    Map<String, String> env = new HashMap<>(common);
    env.put("IPCHLS_CLUSTER_HOST", "10.1.2.3");
    env.put("IPCHLS_CLUSTER_SECRET", CLUSTER_SECRET);
    JsonObject json = ConfigLoader.load(IngestConfig.defaults(), null, env);
    ClusterConfig cluster = ClusterConfig.from(Settings.root(json).section("cluster"));
    Config hz = Clustering.hazelcastConfig(cluster);
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertFalse(join.getMulticastConfig().isEnabled());
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals(common.get("IPCHLS_CLUSTER_KUBERNETES_SERVICEDNS"), join.getKubernetesConfig().getProperty("service-dns"));
    assertEquals("5701", join.getKubernetesConfig().getProperty("service-port"));
    assertEquals("ipc-hls", hz.getClusterName());
  }

  @Test
  void kubernetesDnsDiscovery_twoMembersJoinThroughAServiceNameThatResolvesToThem() throws Exception {
    // The name a headless service would be; "localhost" resolves to the members on this machine.
    int port = freePort();
    Map<String, String> env = Map.of("IPCHLS_CLUSTER_NAME", "ipchls-k8s-" + ProcessHandle.current().pid(),
        "IPCHLS_CLUSTER_JOIN", "kubernetes", "IPCHLS_CLUSTER_KUBERNETES_SERVICEDNS", "localhost",
        "IPCHLS_CLUSTER_HOST", "127.0.0.1", "IPCHLS_CLUSTER_PORT", String.valueOf(port),
        "IPCHLS_CLUSTER_SECRET", CLUSTER_SECRET);
    JsonObject json = ConfigLoader.load(new JsonObject(), null, env);
    assertMembersJoin(Clustering.hazelcastConfig(ClusterConfig.from(Settings.root(json).section("cluster"))));
  }

  private static void assertMembersJoin(Config hz) {
    HazelcastInstance a = Hazelcast.newHazelcastInstance(hz);
    HazelcastInstance b = null;
    try {
      b = Hazelcast.newHazelcastInstance(hz);
      HazelcastInstance second = b;
      Await.until("two members", Duration.ofSeconds(60),
          () -> a.getCluster().getMembers().size() == 2 && second.getCluster().getMembers().size() == 2);
      a.getMap("sample").put("k", "v");
      assertEquals("v", b.getMap("sample").get("k"));
    } finally {
      if (b != null) b.shutdown();
      a.shutdown();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  private static Map<String, String> strings(Map<String, Object> m) {
    Map<String, String> s = new HashMap<>();
    m.forEach((k, v) -> s.put(k, String.valueOf(v)));
    return s;
  }

  private static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
    return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(map(d.get("metadata")).get("name")))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  /** A free port whose successor is free too (Hazelcast's second member takes port + 1). */
  private static int freePort() throws IOException {
    for (int i = 0; i < 50; i++) {
      int p;
      try (ServerSocket s = new ServerSocket(0)) {
        p = s.getLocalPort();
      }
      try (ServerSocket s = new ServerSocket(p + 1)) {
        return p;
      } catch (IOException e) {
        // try another
      }
    }
    throw new IOException("no two consecutive free ports");
  }

}
