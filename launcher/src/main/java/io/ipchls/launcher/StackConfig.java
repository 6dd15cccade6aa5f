package io.ipchls.launcher;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.ingest.IngestConfig;
import io.ipchls.kit.cluster.ClusterConfig;
import io.ipchls.kit.config.BoolSetting;
import io.ipchls.kit.config.IntSetting;
import io.ipchls.kit.config.S3Config;
import io.ipchls.kit.config.Setting;
import io.ipchls.kit.config.Settings;
import io.ipchls.kit.config.StringSetting;
import io.ipchls.playlist.CorsConfig;
import io.ipchls.playlist.PlaylistConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * The all-in-one launcher's configuration: the data directory, the three services' ports, and for each backing
 * server whether to start the embedded one ({@code embedded: true}, the default) or to use an external one, whose
 * settings then follow the services' own {@code db}/{@code mqtt}/{@code s3} sections. {@code credential} holds
 * credential-service's own settings ({@code issuer}, {@code sts}, {@code auth}, {@code rateLimit},
 * {@code credentialLifetimeSeconds}); the launcher sets its ports, servers and secrets itself. {@code playlist} holds
 * playlist-service's own settings the same way; the local stack's default there is {@code cors.allowedOrigins: "*"}:
 * any web page may play with a viewer token it holds (the token, not the origin, opens cameras).
 *
 * <p>{@code tls.enabled} (default true) makes a local CA in {@code tls.dir} (default {@code <dataDir>/tls}) at first
 * start and serves the embedded broker over TLS only (on {@code mqtt.port}, 8883; plain MQTT only on
 * {@code mqtt.plainPort} when that is set) and the embedded S3 over HTTPS, both with a certificate of that CA;
 * {@code http.tls} (default false) serves the services' HTTP over HTTPS with it too. Browsers do not know the local
 * CA, so the local stack's playlist default is {@code segmentAccess: "proxy"}: players fetch segments from
 * playlist-service, which fetches them from the store over HTTPS (docs/SECURITY.md).
 */
public record StackConfig(
    Path dataDir, String host, int playlistPort, int credentialPort, int ingestPort,
    JsonObject postgres, JsonObject mqtt, JsonObject s3, ClusterConfig cluster, JsonObject credential,
    JsonObject playlist, boolean tls, Path tlsDir, boolean httpTls) {

  public static final StringSetting DATA_DIR = StringSetting.named("dataDir").byDefault("data");
  public static final StringSetting HOST = StringSetting.named("host").byDefault("127.0.0.1");
  /** In the {@code http} section: each service's own default port. */
  public static final IntSetting PLAYLIST_PORT = IntSetting.port("playlistPort", PlaylistConfig.DEFAULT_HTTP_PORT)
      .atLeast(0);
  public static final IntSetting CREDENTIAL_PORT = IntSetting.port("credentialPort",
      CredentialConfig.DEFAULT_HTTP_PORT).atLeast(0);
  public static final IntSetting INGEST_PORT = IntSetting.port("ingestPort", IngestConfig.DEFAULT_HTTP_PORT)
      .atLeast(0);
  /** In each server's section: start the embedded server rather than use an external one. */
  public static final BoolSetting EMBEDDED = BoolSetting.named("embedded").byDefault(true);
  /** The embedded PostgreSQL's port: not 5432, so that it does not collide with a PostgreSQL already installed. */
  public static final IntSetting EMBEDDED_POSTGRES_PORT = IntSetting.port("port", 15432);
  public static final IntSetting EMBEDDED_S3_PORT = IntSetting.port("port", 9000);
  /** The embedded broker's port: MQTT over TLS (IANA "secure-mqtt"), or plain MQTT with {@code tls.enabled: false}. */
  public static final IntSetting EMBEDDED_MQTT_PORT = IntSetting.port("port", 8883);
  /** In the {@code mqtt} section: a plain MQTT port besides the TLS one; -1: none, 0: a free one. */
  public static final IntSetting MQTT_PLAIN_PORT = IntSetting.named("plainPort").byDefault(-1).atLeast(-1)
      .atMost(65_535);
  /** In the {@code tls} section. */
  public static final BoolSetting TLS_ENABLED = BoolSetting.named("enabled").byDefault(true);
  /** In the {@code tls} section; empty: {@code <dataDir>/tls}. */
  public static final StringSetting TLS_DIR = StringSetting.named("dir").byDefault("");
  /** In the {@code http} section: the services' HTTP over HTTPS with the local CA's server certificate. */
  public static final BoolSetting HTTP_TLS = BoolSetting.named("tls").byDefault(false);

  public static JsonObject defaults() {
    return Setting.defaults(DATA_DIR, HOST)
        .put("http", Setting.defaults(PLAYLIST_PORT, CREDENTIAL_PORT, INGEST_PORT, HTTP_TLS))
        .put("tls", Setting.defaults(TLS_ENABLED, TLS_DIR))
        .put("postgres", Setting.defaults(EMBEDDED, EMBEDDED_POSTGRES_PORT))
        .put("mqtt", Setting.defaults(EMBEDDED, EMBEDDED_MQTT_PORT, MQTT_PLAIN_PORT))
        .put("s3", Setting.defaults(EMBEDDED, EMBEDDED_S3_PORT, S3Config.BUCKET, S3Config.REGION))
        .put("cluster", Setting.defaults(ClusterConfig.NAME, ClusterConfig.PORT))
        .put("credential", new JsonObject())
        .put("playlist", new JsonObject().put("cors", new JsonObject()
            .put(CorsConfig.ALLOWED_ORIGINS.key(), CorsConfig.ANY_ORIGIN)).put("segmentAccess", "proxy"));
  }

  public static StackConfig from(JsonObject json) {
    Settings root = Settings.root(json);
    Settings http = root.section("http");
    Settings tls = root.section("tls");
    Path dataDir = Path.of(DATA_DIR.read(root));
    String tlsDir = TLS_DIR.read(tls);
    return new StackConfig(
        dataDir,
        HOST.read(root),
        PLAYLIST_PORT.read(http),
        CREDENTIAL_PORT.read(http),
        INGEST_PORT.read(http),
        json.getJsonObject("postgres", new JsonObject()),
        json.getJsonObject("mqtt", new JsonObject()),
        json.getJsonObject("s3", new JsonObject()),
        ClusterConfig.from(root.section("cluster")),
        json.getJsonObject("credential", new JsonObject()),
        json.getJsonObject("playlist", new JsonObject()),
        TLS_ENABLED.read(tls),
        tlsDir.isBlank() ? dataDir.resolve("tls") : Path.of(tlsDir),
        HTTP_TLS.read(http));
  }

  public boolean embedded(JsonObject section) {
    return EMBEDDED.read(Settings.root(section));
  }
}
