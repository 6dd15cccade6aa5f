package io.ipchls.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.credential.issuer.EmbeddedKeys;
import io.ipchls.infra.Await;
import io.ipchls.infra.EmbeddedS3;
import io.ipchls.infra.MqttSubscriptions;
import io.ipchls.infra.S3Options;
import io.ipchls.infra.TestTools;
import io.ipchls.infra.WebhookReceiver;
import io.ipchls.protocol.WebhookSignature.Verdict;
import io.ipchls.kit.cluster.ClusterConfig;
import io.ipchls.kit.cluster.Clustering;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment samples of {@code infra/samples} run as an operator would run them, on one machine: {@code install.sh}
 * installs into a scratch root, the three systemd units' {@code ExecStart} lines run as separate JVMs with their env
 * files and the production config files (edited only through {@code IPCHLS_*} lines appended to the env files: hosts,
 * ports, secrets), against servers that are external to them: PostgreSQL (its own process and port) with the sample
 * roles and grants, TLS ({@code verify-full}) and SCRAM from the sample {@code pg_hba.conf}; Debian's Mosquitto with
 * the sample {@code mosquitto.conf} and ACLs over TLS; a camera registered with {@code ipchls-camera} streams through
 * Mosquitto and its segments come back in a replay playlist. The S3 server is infra's embedded one (MinIO and AWS
 * cannot run here; the {@code sts} issuer is tested against {@code StsStandIn} in credential-service).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ExternalServersIT {
  private static final String CLUSTER_SECRET = "dGVzdC1jbHVzdGVyLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path SAMPLES = REPO.resolve("infra/samples");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ADMIN_TOKEN = "deploy-admin-token-0123456789abcdef";
  private static final String PLAYLIST_ADMIN = "deploy-playlist-admin-0123456789abcdef";
  private static final String INGEST_ADMIN = "deploy-ingest-admin-0123456789abcdef";
  private static final Map<String, String> DB_PASSWORDS = Map.of("ipchls_credential", "cred-pw-7f3a",
      "ipchls_ingest", "ingest-pw-91bc", "ipchls_playlist", "playlist-pw-2d4e");

  @TempDir static Path dir;
  private static final List<Process> processes = new ArrayList<>();
  private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
  private static Pki pki;
  private static Process mosquitto;
  private static int cameraPort;
  private static int servicePort;
  private static Vertx vertx;
  private static EmbeddedS3 s3;
  private static Path root;
  private static final int[] http = new int[3];

  @BeforeAll
  static void startEverything() throws Exception {
    for (String tool : List.of("mosquitto", "mosquitto_passwd", "openssl", "curl")) TestTools.require(tool);
    pki = Pki.create(dir.resolve("pki"));
    for (String opt : pki.jvmTrust()) {  // this JVM's own MQTT links trust the test CA as the services' JVMs do
      String kv = opt.substring(2);
      System.setProperty(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    startPostgres();
    startMosquitto();
    int clusterPort = freePorts(4);
    String members = "127.0.0.1:" + clusterPort + ",127.0.0.1:" + (clusterPort + 1) + ",127.0.0.1:" + (clusterPort + 2)
        + ",127.0.0.1:" + (clusterPort + 3);
    String clusterName = "ipchls-deploy-" + ProcessHandle.current().pid();
    vertx = Clustering.start(new ClusterConfig(clusterName, "127.0.0.1", clusterPort, List.of(members.split(",")),
            CLUSTER_SECRET))
        .await(60, TimeUnit.SECONDS);
    s3 = EmbeddedS3.start(new S3Options(dir.resolve("s3"), "127.0.0.1", 0, "ipchls", "us-east-1", "deploy-root",
        "deploy-root-secret-0123456789", key -> EmbeddedKeys.find(vertx, key)));

    root = dir.resolve("root");
    Pki.run(REPO, "env", "DESTDIR=" + root, "bash", SAMPLES.resolve("install.sh").toString());
    appendEnv("ipc-hls.env", "JAVA_OPTS=" + SystemdUnit.envFile(root.resolve("etc/ipc-hls/ipc-hls.env")).get("JAVA_OPTS")
        + " -Xmx256m " + String.join(" ", pki.jvmTrust()),
        "IPCHLS_CLUSTER_NAME=" + clusterName, "IPCHLS_CLUSTER_HOST=127.0.0.1", "IPCHLS_CLUSTER_PORT=" + clusterPort,
        "IPCHLS_CLUSTER_MEMBERS=" + members,
        "IPCHLS_HTTP_HOST=127.0.0.1", "IPCHLS_DB_HOST=127.0.0.1", "IPCHLS_DB_PORT=" + pg.getPort(),
        "IPCHLS_DB_SSLROOTCERT=" + pki.caPem(), "IPCHLS_MQTT_HOST=localhost", "IPCHLS_MQTT_PORT=" + servicePort,
        "IPCHLS_S3_ENDPOINT=" + s3.endpoint(), "IPCHLS_S3_PUBLICENDPOINT=" + s3.endpoint());
    for (int i = 0; i < 3; i++) http[i] = freePorts(1);
    for (String service : List.of("credential", "ingest", "playlist")) {
      appendEnv(service + "-service.env", "IPCHLS_CLUSTER_SECRET=" + CLUSTER_SECRET); // in the 0600 files
    }
    appendEnv("credential-service.env", "IPCHLS_HTTP_PORT=" + http[0], "IPCHLS_ADMINTOKEN=" + ADMIN_TOKEN,
        "IPCHLS_DB_PASSWORD=" + DB_PASSWORDS.get("ipchls_credential"), "IPCHLS_MQTT_PASSWORD=cred-mqtt-pw",
        // MinIO's STS is not obtainable here: the embedded issuer feeds the embedded S3 server through the cluster.
        "IPCHLS_ISSUER=embedded");
    appendEnv("ingest-service.env", "IPCHLS_HTTP_PORT=" + http[1], "IPCHLS_DB_PASSWORD=" + DB_PASSWORDS.get("ipchls_ingest"),
        "IPCHLS_MQTT_PASSWORD=ingest-mqtt-pw", "IPCHLS_S3_ACCESSKEYID=deploy-root",
        "IPCHLS_S3_SECRETACCESSKEY=deploy-root-secret-0123456789", "IPCHLS_INSTANCEID=deploy-ingest-1",
        "IPCHLS_ADMINTOKEN=" + INGEST_ADMIN, "IPCHLS_CALLBACKS_MASTERKEY=deploy-webhook-master-key-0123456789abcdef",
        "IPCHLS_CALLBACKS_ALLOWEDTARGETS=127.0.0.1/32", // its webhook receiver runs on loopback
        "IPCHLS_PLAYLISTBASEURL=http://127.0.0.1:" + http[2]);
    appendEnv("playlist-service.env", "IPCHLS_HTTP_PORT=" + http[2],
        "IPCHLS_DB_PASSWORD=" + DB_PASSWORDS.get("ipchls_playlist"), "IPCHLS_S3_ACCESSKEYID=deploy-root",
        "IPCHLS_S3_SECRETACCESSKEY=deploy-root-secret-0123456789",
        "IPCHLS_VIEWER_JWTSECRET=deploy-viewer-signing-key-0123456789abcdef", "IPCHLS_ADMINTOKEN=" + PLAYLIST_ADMIN);

    startUnit("credential");
    startUnit("ingest");
    awaitHealthy(http[0]);
    awaitHealthy(http[1]);
    // step 2 of the PostgreSQL sample: after the owners' migrations created the tables
    runSql(SAMPLES.resolve("postgresql/20-grants.sql"));
    startUnit("playlist");
    awaitHealthy(http[2]);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    for (Process p : processes) p.destroy();
    for (Process p : processes) p.waitFor(30, TimeUnit.SECONDS);
    if (mosquitto != null) mosquitto.destroy();
    if (vertx != null) vertx.close().await(30, TimeUnit.SECONDS);
    if (s3 != null) s3.close();
    if (pg != null) pg.close();
  }

  @Test
  void cameraThroughMosquitto_segmentsIndexedByLeastPrivilegeRoles_playInReplay() throws Exception {
    String cam = "deploy-cam";
    String secret = ipchlsCamera("add", cam);
    Instant begin = Instant.now();
    Process camera = new ProcessBuilder(javaCommand(pki.jvmTrust(), "io.ipchls.device.cli.DeviceCli", "simulate",
        "--camera-id", cam, "--secret", secret, "--mqtt-host", "localhost", "--mqtt-port", String.valueOf(cameraPort),
        "--mqtt-tls", "--segment-seconds", "2", "--duration", "9", "--status-interval", "0", "--fps", "10"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("camera.log").toFile()).start();
    processes.add(camera);
    assertTrue(camera.waitFor(120, TimeUnit.SECONDS), "camera did not finish");
    assertEquals(0, camera.exitValue(), "camera lost segments: " + Files.readString(dir.resolve("camera.log")));

    String token = new JsonObject(post(http[2], "/api/v1/viewer-tokens", PLAYLIST_ADMIN,
        new JsonObject().put("cameras", List.of(cam)).put("ttlSeconds", 600))).getString("token");
    String replayUrl = "http://127.0.0.1:" + http[2] + "/replay.m3u8?camera_id=" + cam + "&start="
        + enc(begin.minusSeconds(30).toString()) + "&end=" + enc(Instant.now().plusSeconds(5).toString()) + "&token=" + token
        + "&links=full"; // the seed's form: presigned URLs straight to the bucket
    String playlist = Await.until("replay with 3 segments", Duration.ofSeconds(60), () -> get(replayUrl),
        body -> body.lines().filter(l -> l.startsWith("http")).count() >= 3);
    String firstSegment = playlist.lines().filter(l -> l.startsWith("http")).findFirst().orElseThrow();
    byte[] ts = HTTP.send(HttpRequest.newBuilder(URI.create(firstSegment)).build(),
        HttpResponse.BodyHandlers.ofByteArray()).body();
    assertTrue(ts.length > 188 && ts[0] == 0x47 && ts[188] == 0x47, "an MPEG-TS segment from the bucket");

    // the JSON APIs under playlist's least-privilege role: every query they make is covered by 20-grants.sql
    String range = "start=" + enc(begin.minusSeconds(30).toString()) + "&end=" + enc(Instant.now().plusSeconds(5)
        .toString()) + "&token=" + token;
    String base = "http://127.0.0.1:" + http[2] + "/api/v1/cameras";
    JsonObject cameras = new JsonObject(get(base + "?token=" + token));
    assertEquals(cam, cameras.getJsonArray("cameras").getJsonObject(0).getString("id"), cameras.encode());
    JsonObject recordings = new JsonObject(get(base + "/" + cam + "/recordings?" + range));
    assertEquals(1, recordings.getInteger("total"), recordings.encode());
    JsonObject timeline = new JsonObject(get(base + "/" + cam + "/timeline?" + range));
    assertEquals(1, timeline.getJsonArray("spans").size(), timeline.encode());
  }

  @Test
  void recordingControlAndWebhooks_fromTheInstalledJars_cameraOnlineDeliveredSigned() throws Exception {
    WebhookReceiver receiver = WebhookReceiver.start(vertx).await(10, TimeUnit.SECONDS);
    try {
      JsonObject hook = new JsonObject(post(http[1], "/api/v1/webhooks", INGEST_ADMIN, new JsonObject()
          .put("url", receiver.url("/hooks/deploy")).put("events", List.of("camera.online"))));
      receiver.secret(hook.getString("id"), hook.getString("secret"));
      JsonObject template = new JsonObject(post(http[1], "/api/v1/record-templates", INGEST_ADMIN,
          new JsonObject().put("name", "deploy").put("segmentSeconds", 2)));
      assertEquals(2, template.getInteger("segmentSeconds"));

      String cam = "deploy-hook-cam";
      String secret = ipchlsCamera("add", cam);
      Process camera = new ProcessBuilder(javaCommand(pki.jvmTrust(), "io.ipchls.device.cli.DeviceCli", "simulate",
          "--camera-id", cam, "--secret", secret, "--mqtt-host", "localhost", "--mqtt-port",
          String.valueOf(cameraPort), "--mqtt-tls", "--segment-seconds", "2", "--duration", "4", "--fps", "10"))
          .redirectErrorStream(true).redirectOutput(dir.resolve("hook-camera.log").toFile()).start();
      processes.add(camera);
      List<WebhookReceiver.Received> got = Await.until("camera.online of " + cam + " at the webhook",
          Duration.ofSeconds(60), () -> receiver.received(hook.getString("id")),
          l -> l.stream().anyMatch(r -> new JsonObject(r.body()).getString("cameraId", "").equals(cam)));
      WebhookReceiver.Received online = got.stream()
          .filter(r -> new JsonObject(r.body()).getString("cameraId", "").equals(cam)).findFirst().orElseThrow();
      assertEquals("camera.online", online.eventType());
      assertEquals(Verdict.VALID, online.verdict(), "signed with the webhook's secret");
      assertTrue(camera.waitFor(120, TimeUnit.SECONDS), "camera did not finish");
      // every side pool of ingest (events, deliveries, camera control, recording control) keeps verify-full TLS
      String ingestLog = Files.readString(dir.resolve("ingest.log"));
      assertFalse(ingestLog.contains("pg_hba.conf rejects"), "an ingest pool connected without TLS");
    } finally {
      receiver.close();
    }
  }

  @Test
  void postgres_rolesSeeOnlyWhatTheyNeed_overTlsWithScram() throws Exception {
    try (Connection c = connect("ipchls_playlist", DB_PASSWORDS.get("ipchls_playlist"))) {
      assertEquals("42501", sqlState(c, "SELECT secret_hash FROM credential.devices"), "playlist reads secret hashes");
      assertEquals("42501", sqlState(c, "SELECT id FROM credential.devices"), "playlist reads the registry's table");
      assertEquals("42501", sqlState(c, "SELECT * FROM ingest.webhooks"), "playlist reads ingest's private tables");
      assertEquals("42501", sqlState(c, "SELECT camera_id FROM ingest.segments LIMIT 1"), "playlist reads a table");
      assertEquals("42501", sqlState(c, "DELETE FROM ingest.segments"), "playlist may delete segments");
      assertEquals("42501", sqlState(c, "DELETE FROM ingest.segments_v1"), "playlist may delete through the view");
      assertEquals(null, sqlState(c, "SELECT id, enabled, created_at FROM credential.cameras_v1"));
      assertEquals(null, sqlState(c, "SELECT camera_id, media_seq FROM ingest.segments_v1 LIMIT 1"));
      assertEquals(null, sqlState(c, "SELECT next_media_seq FROM ingest.live_sequence_v1 LIMIT 1"));
      assertEquals("42501", sqlState(c, "SELECT * FROM ingest.live_sequence"), "playlist reads the counters' table");
      assertEquals(null, sqlState(c, "SELECT recording_id FROM ingest.recordings_v1 LIMIT 1"));
    }
    try (Connection c = connect("ipchls_ingest", DB_PASSWORDS.get("ipchls_ingest"))) {
      assertEquals("42501", sqlState(c, "SELECT secret_hash FROM credential.devices"), "ingest reads secret hashes");
      assertEquals("42501", sqlState(c, "SELECT id, prefix FROM credential.devices"), "ingest reads the table");
      assertEquals("42501", sqlState(c, "UPDATE credential.devices SET prefix = 'x'"), "ingest writes the registry");
      assertEquals("42501", sqlState(c, "UPDATE credential.cameras_v1 SET prefix = 'x'"), "ingest writes the view");
      assertEquals("42501", sqlState(c, "CREATE TABLE public.intruder (x int)"), "ingest creates in public");
      assertEquals(null, sqlState(c, "SELECT id, prefix FROM credential.cameras_v1"));
    }
    try (Connection c = connect("ipchls_credential", DB_PASSWORDS.get("ipchls_credential"))) {
      assertEquals("42501", sqlState(c, "SELECT * FROM ingest.segments LIMIT 1"), "credential reads ingest");
    }
    SQLException wrongPassword = assertThrows(SQLException.class, () -> connect("ipchls_playlist", "wrong").close());
    assertEquals("28P01", wrongPassword.getSQLState());
    SQLException plain = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/ipchls?sslmode=disable", "ipchls_playlist",
        DB_PASSWORDS.get("ipchls_playlist")).close());
    assertEquals("28000", plain.getSQLState(), "pg_hba must reject a connection without TLS");
  }

  @Test
  void mosquitto_cameraOnlyOnItsListenerAndTopics_tlsHostNameChecked() throws Exception {
    String cam = "deploy-acl-cam";
    String secret = ipchlsCamera("add", cam);
    // its own listener, its own topics
    // Mosquitto rereads its password file on SIGHUP, asynchronously: the first logins may still be refused
    MqttClient ok = Await.until("camera login accepted", Duration.ofSeconds(20),
        () -> tryMqtt(cam, secret, "localhost", cameraPort), c -> c != null);
    assertEquals(1, (int) subscribe(ok, "cameras/" + cam + "/credentials/response"), "its own topic, QoS 1");
    // Mosquitto grants a forbidden SUBSCRIBE (SUBACK 1, where EMQX and the embedded broker answer 0x80) but never
    // delivers what the ACL denies: what counts is that nothing of another camera arrives.
    List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
    ok.publishHandler(m -> received.add(m.topicName()));
    subscribe(ok, "cameras/deploy-cam/credentials/response");
    subscribe(ok, "cameras/#");
    MqttClient service = mqtt("credential-service", "cred-mqtt-pw", "localhost", servicePort);
    service.publish("cameras/deploy-cam/credentials/response", io.vertx.core.buffer.Buffer.buffer("{}"),
        io.netty.handler.codec.mqtt.MqttQoS.AT_LEAST_ONCE, false, false).await(10, TimeUnit.SECONDS);
    service.publish("cameras/" + cam + "/credentials/response", io.vertx.core.buffer.Buffer.buffer("{}"),
        io.netty.handler.codec.mqtt.MqttQoS.AT_LEAST_ONCE, false, false).await(10, TimeUnit.SECONDS);
    Await.until("own response delivered", Duration.ofSeconds(20),
        () -> received.contains("cameras/" + cam + "/credentials/response"));
    assertEquals(List.of("cameras/" + cam + "/credentials/response"), List.copyOf(received),
        "only its own topic reaches a camera");
    service.disconnect().await(10, TimeUnit.SECONDS);
    ok.disconnect().await(10, TimeUnit.SECONDS);
    // a camera's secret is no good on the services' listener
    assertThrows(io.vertx.mqtt.MqttConnectionException.class, () -> mqtt(cam, secret, "localhost", servicePort));
    // 127.0.0.2 is not in the broker's certificate: the client must refuse the server, not just the chain
    Throwable wrongHost = assertThrows(Throwable.class, () -> mqtt(cam, secret, "127.0.0.2", cameraPort));
    assertTrue(wrongHost instanceof javax.net.ssl.SSLHandshakeException
        || wrongHost.getCause() instanceof javax.net.ssl.SSLHandshakeException, wrongHost.toString());
    // the services' own MQTT link (JVM trust store = the test CA, as the units' JAVA_OPTS do) connects by the right
    // name and refuses a certificate that does not name the host it dialled
    var good = new io.ipchls.kit.mqtt.ManagedMqttClient(vertx,
        new io.ipchls.kit.config.MqttConfig("localhost", cameraPort, /* ssl= */ true, cam, secret), cam,
        /* cleanSession= */ true, /* autoAck= */ true);
    good.start().await(20, TimeUnit.SECONDS);
    good.close().await(10, TimeUnit.SECONDS);
    var link = new io.ipchls.kit.mqtt.ManagedMqttClient(vertx,
        new io.ipchls.kit.config.MqttConfig("127.0.0.2", cameraPort, /* ssl= */ true, cam, secret), cam,
        /* cleanSession= */ true, /* autoAck= */ true);
    Throwable linkRefused = assertThrows(Throwable.class, () -> link.start().await(20, TimeUnit.SECONDS));
    link.close();
    assertTrue(String.valueOf(linkRefused).contains("SSL") || String.valueOf(linkRefused.getCause()).contains("SSL"),
        String.valueOf(linkRefused));
    // disabled by ipchls-camera: Mosquitto refuses the login at once
    ipchlsCamera("disable", cam);
    Await.until("disabled camera refused", Duration.ofSeconds(20), () -> {
      MqttClient c = tryMqtt(cam, secret, "localhost", cameraPort);
      if (c != null) c.disconnect();
      return c == null;
    });
  }

  // --- servers ---

  private static void startPostgres() throws Exception {
    Path key = pki.serverKey();
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
        .setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("ssl", "on")
        .setServerConfig("ssl_cert_file", pki.serverCert().toString())
        .setServerConfig("ssl_key_file", key.toString())
        .setServerConfig("password_encryption", "scram-sha-256")
        .start();
    try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE ipchls TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'"); // as 10-roles.sql says
    }
    runSql(SAMPLES.resolve("postgresql/10-roles.sql"));
    try (Connection c = DriverManager.getConnection(adminUrl()); Statement s = c.createStatement()) {
      for (var e : DB_PASSWORDS.entrySet()) s.execute("ALTER ROLE " + e.getKey() + " PASSWORD '" + e.getValue() + "'");
    }
    // the sample's pg_hba.conf lines, for this host's address, below the administrator's own local access
    String hba = "host all postgres 127.0.0.1/32 trust\n" + Files.readString(SAMPLES.resolve("postgresql/pg_hba.conf"))
        .replace("10.0.0.0/24", "127.0.0.1/32");
    Files.writeString(dir.resolve("pg/pg_hba.conf"), hba);
    try (Connection c = DriverManager.getConnection(adminUrl()); Statement s = c.createStatement()) {
      s.execute("SELECT pg_reload_conf()");
    }
  }

  private static void startMosquitto() throws Exception {
    Path m = Files.createDirectories(dir.resolve("mosquitto"));
    cameraPort = freePorts(1);
    servicePort = freePorts(1);
    Pki.run(m, "mosquitto_passwd", "-c", "-b", "services.passwd", "credential-service", "cred-mqtt-pw");
    Pki.run(m, "mosquitto_passwd", "-b", "services.passwd", "ingest", "ingest-mqtt-pw");
    Files.writeString(m.resolve("cameras.passwd"), "");
    Files.copy(SAMPLES.resolve("mosquitto/ipchls-cameras.acl"), m.resolve("cameras.acl"));
    Files.copy(SAMPLES.resolve("mosquitto/ipchls-services.acl"), m.resolve("services.acl"));
    String conf = Files.readString(SAMPLES.resolve("mosquitto/mosquitto.conf"))
        .replace("listener 8883", "listener " + cameraPort).replace("listener 8884", "listener " + servicePort)
        .replaceAll("/etc/mosquitto/certs/[a-z.]+\\.crt", pki.serverCert().toString())
        .replaceAll("/etc/mosquitto/certs/[a-z.]+\\.key", pki.serverKey().toString())
        .replace("/etc/mosquitto/ipchls-cameras.passwd", m.resolve("cameras.passwd").toString())
        .replace("/etc/mosquitto/ipchls-services.passwd", m.resolve("services.passwd").toString())
        .replace("/etc/mosquitto/ipchls-cameras.acl", m.resolve("cameras.acl").toString())
        .replace("/etc/mosquitto/ipchls-services.acl", m.resolve("services.acl").toString())
        .replace("/var/lib/mosquitto/", m + "/")
        .replace("log_dest syslog", "log_dest stdout");
    assertNotEquals(Files.readString(SAMPLES.resolve("mosquitto/mosquitto.conf")), conf);
    Files.writeString(m.resolve("mosquitto.conf"), conf + "\nuser root\n");
    mosquitto = new ProcessBuilder("mosquitto", "-c", m.resolve("mosquitto.conf").toString())
        .redirectErrorStream(true).redirectOutput(m.resolve("mosquitto.log").toFile()).start();
    Await.until("mosquitto listening", Duration.ofSeconds(20), () -> listening(cameraPort) && listening(servicePort));
  }

  private static void startUnit(String service) throws Exception {
    SystemdUnit unit = SystemdUnit.load(root.resolve("etc/systemd/system/ipchls-" + service + ".service"), root);
    ProcessBuilder pb = new ProcessBuilder(unit.command()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(service + ".log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("IPCHLS_"));
    pb.environment().putAll(unit.environment());
    processes.add(pb.start());
  }

  private static void awaitHealthy(int port) throws IOException {
    try {
      Await.until("service on " + port + " healthy", Duration.ofSeconds(150), () -> {
        for (Process p : processes) if (!p.isAlive() && p.exitValue() != 0) throw new IllegalStateException("died");
        try {
          return get("http://127.0.0.1:" + port + "/health").contains("\"UP\"");
        } catch (RuntimeException e) {
          return false;
        }
      });
    } catch (RuntimeException | AssertionError e) {
      StringBuilder logs = new StringBuilder();
      for (String s : List.of("credential", "ingest", "playlist")) {
        Path log = dir.resolve(s + ".log");
        if (Files.exists(log)) logs.append("\n--- ").append(s).append(":\n").append(Files.readString(log));
      }
      throw new AssertionError("not healthy on " + port + logs, e);
    }
  }

  // --- helpers ---

  private static String ipchlsCamera(String command, String cam) throws Exception {
    Map<String, String> env = Map.of("IPCHLS_ADMIN_URL", "http://127.0.0.1:" + http[0], "IPCHLS_ADMIN_TOKEN",
        ADMIN_TOKEN, "MOSQUITTO_PASSWD_FILE", dir.resolve("mosquitto/cameras.passwd").toString(),
        "MOSQUITTO_RELOAD", "kill -HUP " + mosquitto.pid());
    ProcessBuilder pb = new ProcessBuilder("bash", SAMPLES.resolve("mosquitto/ipchls-camera").toString(), command, cam);
    pb.environment().putAll(env);
    pb.redirectError(dir.resolve("ipchls-camera.err").toFile());
    Process run = pb.start();
    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, run.waitFor(), "ipchls-camera " + command + ": " + Files.readString(dir.resolve("ipchls-camera.err")));
    Matcher secret = Pattern.compile("\"secret\"\\s*:\\s*\"([^\"]+)\"").matcher(out);
    return secret.find() ? secret.group(1) : out;
  }

  private static MqttClient mqtt(String user, String password, String host, int port) throws Exception {
    MqttClient c = MqttClient.create(vertx, new MqttClientOptions().setClientId(user).setUsername(user)
        .setPassword(password).setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
        .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(pki.caPem().toString())));
    c.connect(port, host).await(10, TimeUnit.SECONDS);
    return c;
  }

  private static MqttClient tryMqtt(String user, String password, String host, int port) {
    try {
      return mqtt(user, password, host, port);
    } catch (Throwable e) {
      return null;
    }
  }

  /** The SUBACK's return code (0x80: refused). */
  private static Integer subscribe(MqttClient c, String topic) throws Exception {
    return MqttSubscriptions.subscribe(c, topic, 1).await(10, TimeUnit.SECONDS).get(0);
  }

  private static Connection connect(String user, String password) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/ipchls?sslmode=verify-full"
        + "&sslrootcert=" + pki.caPem(), user, password);
  }

  private static String sqlState(Connection c, String sql) {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
      return null;
    } catch (SQLException e) {
      return e.getSQLState();
    }
  }

  private static String adminUrl() {
    return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/ipchls?user=postgres&sslmode=disable";
  }

  private static void runSql(Path script) throws Exception {
    try (Connection c = DriverManager.getConnection(adminUrl()); Statement s = c.createStatement()) {
      s.execute(Files.readString(script));
    }
  }

  private static List<String> javaCommand(List<String> jvmOptions, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/java"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", root + "/opt/ipc-hls/lib/*", mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static void appendEnv(String file, String... lines) throws IOException {
    Files.writeString(root.resolve("etc/ipc-hls/" + file), "\n" + String.join("\n", lines) + "\n",
        java.nio.file.StandardOpenOption.APPEND);
  }

  private static String post(int port, String path, String bearer, JsonObject body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + bearer).POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode() / 100 * 100, r.body());
    return r.body();
  }

  private static String get(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new RuntimeException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static boolean listening(int port) {
    try (var s = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first of {@code n} consecutive free ports. */
  private static int freePorts(int n) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first;
      try (ServerSocket s = new ServerSocket(0)) {
        first = s.getLocalPort();
      }
      if (first + n > 65535) continue;
      boolean free = true;
      for (int p = first + 1; p < first + n && free; p++) {
        try (ServerSocket s = new ServerSocket(p)) {
          free = true;
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) return first;
    }
    throw new IOException("no " + n + " consecutive free ports");
  }

}
