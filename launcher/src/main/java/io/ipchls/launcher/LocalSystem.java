package io.ipchls.launcher;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.CredentialService;
import io.ipchls.credential.broker.BrokerAuthClient;
import io.ipchls.credential.issuer.EmbeddedKeys;
import io.ipchls.infra.AuthDecision;
import io.ipchls.infra.BrokerAuth;
import io.ipchls.infra.BrokerOptions;
import io.ipchls.infra.EmbeddedBroker;
import io.ipchls.infra.EmbeddedPostgres;
import io.ipchls.infra.EmbeddedS3;
import io.ipchls.infra.LocalCa;
import io.ipchls.infra.ServerTls;
import io.ipchls.infra.S3Options;
import io.ipchls.ingest.IngestConfig;
import io.ipchls.ingest.IngestService;
import io.ipchls.kit.cluster.Clustering;
import io.ipchls.kit.config.Settings;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.playlist.PlaylistConfig;
import io.ipchls.playlist.PlaylistService;
import io.ipchls.playlist.auth.ViewerTokens;
import io.ipchls.protocol.CameraChanged;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.ProtocolException;
import io.ipchls.protocol.StorageDefaults;
import io.ipchls.protocol.StorageKeyGrant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one process: the embedded servers (or external ones, by config), one clustered Vert.x, and the
 * three services deployed on it, wired to each other the way separate processes would be: the broker asks
 * credential-service over the event bus who a client is, and the S3 server reads live camera keys from the cluster
 * map that credential-service writes.
 *
 * <p>With {@code tls.enabled} (the default) the embedded broker and S3 speak only TLS, with a certificate of the local
 * CA ({@link LocalCa}, made at first start in {@code <data>/tls}) for this stack's host, 127.0.0.1, ::1 and
 * localhost; the services verify it against the CA's {@code ca.pem} like any camera does.
 */
public final class LocalSystem implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalSystem.class);
  static final String CREDENTIAL_ACCOUNT = "svc-credential";
  static final String INGEST_ACCOUNT = "svc-ingest";

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final StackConfig cfg;
  private final LocalSecrets secrets;
  private Vertx vertx;
  private LocalCa ca;
  private ServerTls serverTls;
  private JsonObject db;
  private JsonObject mqtt;
  private JsonObject s3;
  private int playlistPort;
  private int credentialPort;
  private int ingestPort;

  private LocalSystem(StackConfig cfg) {
    this.cfg = cfg;
    this.secrets = LocalSecrets.loadOrCreate(cfg.dataDir());
  }

  /** Starts everything; on failure stops what was started and rethrows. */
  public static LocalSystem start(StackConfig cfg) throws Exception {
    LocalSystem sys = new LocalSystem(cfg);
    try {
      sys.startAll();
      return sys;
    } catch (Exception | Error e) {
      sys.close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    Files.createDirectories(cfg.dataDir());
    if (cfg.tls()) {
      ca = LocalCa.loadOrCreate(cfg.tlsDir());
      serverTls = ca.serverTls("server", tlsHosts());
    }
    vertx = await(Clustering.start(cfg.cluster()));
    db = startPostgres();
    s3 = startS3();
    mqtt = startBroker();
    playlistPort = freeIfZero(cfg.playlistPort());
    credentialPort = freeIfZero(cfg.credentialPort());
    ingestPort = freeIfZero(cfg.ingestPort());
    await(CredentialService.deploy(vertx, CredentialConfig.fromJson(credentialJson())));
    await(IngestService.deploy(vertx, IngestConfig.fromJson(ingestJson())));
    await(PlaylistService.deploy(vertx, PlaylistConfig.fromJson(playlistJson())));
  }

  /** The names in the server certificate: the configured host, and loopback by address and by name. */
  private List<String> tlsHosts() {
    List<String> hosts = new ArrayList<>(List.of(cfg.host(), "127.0.0.1", "::1", "localhost"));
    return hosts.stream().distinct().toList();
  }

  private JsonObject startPostgres() {
    if (!cfg.embedded(cfg.postgres())) return cfg.postgres().copy();
    EmbeddedPostgres pg = EmbeddedPostgres.start(cfg.dataDir().resolve("postgres"),
        cfg.postgres().getInteger("port", 0));
    closeables.add(pg);
    return pg.dbSection();
  }

  private JsonObject startS3() {
    JsonObject c = cfg.s3();
    if (!cfg.embedded(c)) return c.copy();
    EmbeddedS3 server = EmbeddedS3.start(new S3Options(cfg.dataDir().resolve("s3"), cfg.host(),
        c.getInteger("port", 0), c.getString("bucket", StorageDefaults.BUCKET),
        c.getString("region", StorageDefaults.REGION),
        secrets.s3AccessKeyId(), secrets.s3SecretAccessKey(), this::findStorageKey, serverTls));
    closeables.add(server);
    JsonObject section = new JsonObject().put("endpoint", server.endpoint().toString()).put("region", server.region())
        .put("bucket", server.bucket()).put("pathStyle", true).put("accessKeyId", secrets.s3AccessKeyId())
        .put("secretAccessKey", secrets.s3SecretAccessKey());
    if (serverTls != null) section.put("caFile", serverTls.trustFile().toString());
    return section;
  }

  private JsonObject startBroker() {
    JsonObject c = cfg.mqtt();
    if (!cfg.embedded(c)) return c.copy();
    EmbeddedBroker broker = EmbeddedBroker.start(new BrokerOptions(cfg.dataDir().resolve("mqtt"), cfg.host(),
        c.getInteger("port", 0), BrokerAuth.withSource(this::authenticate), serverTls,
        StackConfig.MQTT_PLAIN_PORT.read(Settings.root(c))));
    closeables.add(broker);
    // A disabled, rotated or deleted camera must not keep the session it opened with its old secret.
    vertx.eventBus().consumer(ClusterNames.CAMERA_CHANGED, m -> disconnect(broker, m.body()));
    JsonObject section = new JsonObject().put("host", broker.host()).put("port", broker.port());
    if (serverTls != null) section.put("ssl", true).put("caFile", serverTls.trustFile().toString());
    return section;
  }

  /** The embedded S3 server's view of live camera keys: the cluster map credential-service writes. */
  private Optional<StorageKeyGrant> findStorageKey(String accessKeyId) {
    return EmbeddedKeys.find(vertx, accessKeyId);
  }

  /** The embedded broker asks credential-service (over the event bus) who is connecting. */
  private CompletionStage<AuthDecision> authenticate(String clientId, String username, byte[] password,
      String sourceAddress) {
    Vertx vertx = this.vertx;
    if (vertx == null) return CompletableFuture.completedFuture(AuthDecision.deny("system is stopping"));
    return BrokerAuthClient.authenticate(vertx, clientId, username, password, sourceAddress).map(AuthDecision::of)
        .toCompletionStage();
  }

  /** Closes the session of a camera named by {@link ClusterNames#CAMERA_CHANGED}; a malformed body is logged. */
  private static void disconnect(EmbeddedBroker broker, Object body) {
    try {
      broker.disconnect(CameraChanged.fromBody(body).cameraId());
    } catch (ProtocolException e) {
      LOG.warn("ignoring malformed {} message: {}", ClusterNames.CAMERA_CHANGED, e.getMessage());
    }
  }

  /** A service's listener; HTTPS with the local CA's server certificate when {@code http.tls} asks for it. */
  private JsonObject httpSection(int port) {
    JsonObject http = new JsonObject().put("host", cfg.host()).put("port", port);
    if (httpsServices()) {
      http.put("certFile", serverTls.certFile().toString()).put("keyFile", serverTls.keyFile().toString());
    }
    return http;
  }

  private boolean httpsServices() {
    return cfg.httpTls() && serverTls != null;
  }

  private String scheme() {
    return httpsServices() ? "https" : "http";
  }

  private JsonObject serviceMqtt(String account, String password) {
    return mqtt.copy().put("username", account).put("password", password);
  }

  /** The launcher config's {@code credential} section, with the ports, servers and secrets the launcher owns. */
  private JsonObject credentialJson() {
    return cfg.credential().copy()
        .put("http", httpSection(credentialPort))
        .put("db", db).put("mqtt", serviceMqtt(CREDENTIAL_ACCOUNT, secrets.credentialPassword())).put("s3", s3)
        .put("adminToken", secrets.adminToken())
        .put("serviceAccounts", new JsonObject()
            .put(CREDENTIAL_ACCOUNT, Sha256.hex(secrets.credentialPassword()))
            .put(INGEST_ACCOUNT, Sha256.hex(secrets.ingestPassword())));
  }

  private JsonObject ingestJson() {
    return new JsonObject()
        .put("http", httpSection(ingestPort))
        .put("db", db).put("s3", s3).put("mqtt", serviceMqtt(INGEST_ACCOUNT, secrets.ingestPassword()))
        .put("adminToken", secrets.adminToken()).put("playlistBaseUrl", playlistUrl().toString())
        // the demo lives on loopback: its webhooks may reach receivers there (production allows no internal target)
        .put("callbacks", new JsonObject().put("masterKey", secrets.callbacksMasterKey())
            .put("allowedTargets", "127.0.0.0/8,::1/128"));
  }

  /** The launcher config's {@code playlist} section, with the ports, servers and secrets the launcher owns. */
  private JsonObject playlistJson() {
    return cfg.playlist().copy()
        .put("http", httpSection(playlistPort))
        .put("db", db).put("s3", s3).put("adminToken", secrets.adminToken())
        .put("viewer", new JsonObject().put("jwtSecret", secrets.viewerJwtSecret()));
  }

  public URI playlistUrl() {
    return URI.create(scheme() + "://" + hostInUrl() + ":" + playlistPort);
  }

  public URI credentialUrl() {
    return URI.create(scheme() + "://" + hostInUrl() + ":" + credentialPort);
  }

  public URI ingestUrl() {
    return URI.create(scheme() + "://" + hostInUrl() + ":" + ingestPort);
  }

  /** An IPv6 literal goes in brackets (RFC 3986 §3.2.2). */
  private String hostInUrl() {
    return cfg.host().contains(":") ? "[" + cfg.host() + "]" : cfg.host();
  }

  /**
   * The CA certificate cameras and clients verify the broker against: the local CA's {@code ca.pem} for the embedded
   * one, an external broker's {@code mqtt.caFile}; null over plain MQTT (or for a broker with a public certificate).
   */
  public Path caFile() {
    String file = mqtt.getString("caFile", "");
    return mqttTls() && !file.isBlank() ? Path.of(file) : null;
  }

  /** Whether the services (and cameras) reach the broker over TLS. */
  public boolean mqttTls() {
    return mqtt.getBoolean("ssl", false);
  }

  /** A client for the services' admin APIs that trusts this stack's CA. */
  public AdminClient adminClient(URI base) {
    return new AdminClient(base, adminToken(), caFile());
  }

  public String mqttHost() {
    return mqtt.getString("host");
  }

  public int mqttPort() {
    return mqtt.getInteger("port");
  }

  public String adminToken() {
    return secrets.adminToken();
  }

  /** A viewer token for the cameras ("*": all) valid for {@code seconds}, signed with this stack's key. */
  public String viewerToken(int seconds, String... cameras) {
    return new ViewerTokens(vertx, secrets.viewerJwtSecret(), Clock.systemUTC())
        .mint("local", List.of(cameras), seconds).token();
  }

  public JsonObject s3() {
    return s3.copy();
  }

  public JsonObject db() {
    return db.copy();
  }

  public Path dataDir() {
    return cfg.dataDir();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Stops the services first (so they do not chase a vanishing broker), then the servers; never throws. */
  @Override
  public void close() {
    if (vertx != null) {
      try {
        await(vertx.close());
      } catch (Exception e) {
        LOG.warn("error while stopping the services: {}", e.toString());
      }
      vertx = null;
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        LOG.warn("error while stopping: {}", e.toString());
      }
    }
    closeables.clear();
  }

  static <T> T await(Future<T> f) throws Exception {
    CompletableFuture<T> cf = f.toCompletionStage().toCompletableFuture();
    try {
      return cf.get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception ex) throw ex;
      throw e;
    }
  }

  static int freeIfZero(int port) throws IOException {
    if (port != 0) return port;
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

}
