package io.ipchls.ingest;

import io.ipchls.ingest.callbacks.CallbacksConfig;
import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.config.MqttConfig;
import io.ipchls.kit.config.S3Config;
import io.ipchls.kit.config.Settings;
import io.ipchls.kit.crypto.Sha256;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * ingest-service settings. {@code instanceId} names this instance's persistent MQTT session ({@code ingest-<id>}), so
 * it must be stable across restarts and unique among running instances (default: the host name).
 * {@code maxFutureSkewSeconds} and the camera's retention (default {@code retentionDays}) bound the accepted segment
 * start times; batches hold at most {@code batchMaxSize} notifications, and at most {@code writeConcurrency} batches
 * are written at once (batches grow with the load by themselves, see SegmentBatcher); {@code mqttConnections} sessions
 * ({@code ingest-<id>}, {@code ingest-<id>-2}, ...) share the load, each with the broker's in-flight window. {@code recordingGapSeconds} is the longest gap that still continues a recording.
 * {@code s3} is the bucket with the service's own key pair, needed by the retention sweeper (every
 * {@code sweepIntervalSeconds}) and by {@code verifyObjects} (HEAD each object before indexing it); without a key pair
 * objects are never deleted and retention is off. {@code adminToken} is the bearer token of the admin API under
 * {@code /api/v1/} (recording control); only its SHA-256 is kept, and without one there is no admin API.
 * {@code callbacks} configures event publishing and webhooks ({@link CallbacksConfig}).
 * Recording control: {@code playlistBaseUrl} is put before the replay paths of record files and events (empty: the
 * paths stay relative to playlist-service); the recording-event and index-file job runs every
 * {@code controlIntervalSeconds}; an index period (or a stopped task) is written {@code settleSeconds} after it ended
 * (plus the segment length for a period end), so the segments uploaded last are in it.
 */
public record IngestConfig(
    HttpConfig http,
    DbConfig db,
    MqttConfig mqtt,
    S3Config s3,
    String instanceId,
    int maxFutureSkewSeconds,
    int retentionDays,
    int batchMaxSize,
    int writeConcurrency,
    int mqttConnections,
    int recordingGapSeconds,
    boolean verifyObjects,
    int sweepIntervalSeconds,
    String adminTokenSha256,
    CallbacksConfig callbacks,
    String playlistBaseUrl,
    int controlIntervalSeconds,
    int settleSeconds) {
  public static final int DEFAULT_HTTP_PORT = 8082;
  /** An admin token shorter than this is refused at start-up. */
  public static final int MIN_ADMIN_TOKEN_CHARS = 16;
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  public IngestConfig {
    if (http == null) throw new ConfigException("http", "is required");
    if (db == null) throw new ConfigException("db", "is required");
    if (mqtt == null) throw new ConfigException("mqtt", "is required");
    if (s3 == null) throw new ConfigException("s3", "is required");
    if (callbacks == null) throw new ConfigException("callbacks", "is required");
    if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
      throw new ConfigException("instanceId", "must match " + INSTANCE_ID.pattern() + ", got '" + instanceId + "'");
    }
    if (maxFutureSkewSeconds < 0) throw new ConfigException("maxFutureSkewSeconds", "must be >= 0");
    if (retentionDays < 1) throw new ConfigException("retentionDays", "must be >= 1");
    if (batchMaxSize < 1) throw new ConfigException("batchMaxSize", "must be >= 1");
    if (writeConcurrency < 1) throw new ConfigException("writeConcurrency", "must be >= 1");
    if (mqttConnections < 1) throw new ConfigException("mqttConnections", "must be >= 1");
    if (recordingGapSeconds < 1) throw new ConfigException("recordingGapSeconds", "must be >= 1");
    if (sweepIntervalSeconds < 1) throw new ConfigException("sweepIntervalSeconds", "must be >= 1");
    if (playlistBaseUrl == null || !(playlistBaseUrl.isEmpty() || playlistBaseUrl.matches("https?://[^\\s?#]+"))) {
      throw new ConfigException("playlistBaseUrl", "must be empty or an http(s) URL without query, got '"
          + playlistBaseUrl + "'");
    }
    if (controlIntervalSeconds < 1) throw new ConfigException("controlIntervalSeconds", "must be >= 1");
    if (settleSeconds < 0) throw new ConfigException("settleSeconds", "must be >= 0");
    if (verifyObjects && !hasS3Keys(s3)) {
      throw new ConfigException("s3.accessKeyId", "is required when verifyObjects is true");
    }
  }

  private static boolean hasS3Keys(S3Config s3) {
    return !s3.accessKeyId().isBlank() && !s3.secretAccessKey().isBlank();
  }

  /** True when the service may talk to the bucket (retention sweeps, object verification). */
  public boolean s3Enabled() {
    return hasS3Keys(s3);
  }

  /** The keys environment variables can override (ConfigLoader matches env names against these). */
  public static JsonObject defaults() {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", DEFAULT_HTTP_PORT))
        .put("db", new JsonObject().put("host", "127.0.0.1").put("port", 5432).put("database", "ipchls")
            .put("user", "postgres").put("password", "").put("maxPoolSize", 8))
        .put("mqtt", new JsonObject().put("host", "127.0.0.1").put("port", 1883).put("ssl", false)
            .put("username", "ingest").put("password", ""))
        .put("s3", new JsonObject().put("endpoint", "").put("region", "us-east-1").put("bucket", "ipchls")
            .put("pathStyle", true).put("accessKeyId", "").put("secretAccessKey", ""))
        .put("instanceId", defaultInstanceId())
        .put("maxFutureSkewSeconds", 300)
        .put("retentionDays", 7)
        .put("batchMaxSize", 500)
        .put("writeConcurrency", 2)
        .put("mqttConnections", 4)
        .put("recordingGapSeconds", 180)
        .put("verifyObjects", false)
        .put("sweepIntervalSeconds", 3600)
        .put("adminToken", null)
        .put("callbacks", CallbacksConfig.defaults())
        .put("playlistBaseUrl", "")
        .put("controlIntervalSeconds", 5)
        .put("settleSeconds", 10);
  }

  public static IngestConfig fromJson(JsonObject json) {
    Settings s = Settings.root(json);
    return new IngestConfig(
        HttpConfig.from(s.section("http"), DEFAULT_HTTP_PORT),
        DbConfig.from(s.section("db")),
        MqttConfig.from(s.section("mqtt")),
        S3Config.from(s.section("s3"), false),
        s.string("instanceId", defaultInstanceId()),
        s.integer("maxFutureSkewSeconds", 300, 0, 7 * 24 * 3600),
        s.integer("retentionDays", 7, 1, 36500),
        s.integer("batchMaxSize", 500, 1, 10_000),
        s.integer("writeConcurrency", 2, 1, 64),
        s.integer("mqttConnections", 4, 1, 64),
        s.integer("recordingGapSeconds", 180, 1, 86_400),
        s.bool("verifyObjects", false),
        s.integer("sweepIntervalSeconds", 3600, 1, 86_400),
        adminTokenSha256(s.string("adminToken", null)),
        CallbacksConfig.from(s.section("callbacks")),
        stripSlash(s.string("playlistBaseUrl", "")),
        s.integer("controlIntervalSeconds", 5, 1, 3600),
        s.integer("settleSeconds", 10, 0, 600));
  }

  private static String stripSlash(String url) {
    return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String adminTokenSha256(String adminToken) {
    if (adminToken == null) return null;
    if (adminToken.length() < MIN_ADMIN_TOKEN_CHARS) {
      throw new ConfigException("adminToken", "must be at least " + MIN_ADMIN_TOKEN_CHARS + " characters");
    }
    return Sha256.hex(adminToken);
  }

  public JsonObject toJson() {
    return new JsonObject().put("http", http.toJson()).put("db", db.toJson()).put("mqtt", mqtt.toJson())
        .put("s3", s3.toJson()).put("instanceId", instanceId).put("maxFutureSkewSeconds", maxFutureSkewSeconds)
        .put("retentionDays", retentionDays).put("batchMaxSize", batchMaxSize).put("writeConcurrency", writeConcurrency)
        .put("mqttConnections", mqttConnections)
        .put("recordingGapSeconds", recordingGapSeconds).put("verifyObjects", verifyObjects)
        .put("sweepIntervalSeconds", sweepIntervalSeconds).put("playlistBaseUrl", playlistBaseUrl)
        .put("controlIntervalSeconds", controlIntervalSeconds).put("settleSeconds", settleSeconds)
        .put("callbacks", callbacks.toJson());
  }

  public String mqttClientId() {
    return "ingest-" + instanceId;
  }

  /** The host name when it is usable as an id (stable across restarts, so the MQTT session survives), else random. */
  static String defaultInstanceId() {
    try {
      String host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
      if (INSTANCE_ID.matcher(host).matches()) return host;
    } catch (Exception ignored) {
      // fall through to a random id
    }
    return UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public String toString() {
    return "IngestConfig[http=" + http + ", db=" + db + ", mqtt=" + mqtt + ", s3=" + s3 + ", instanceId=" + instanceId
        + ", maxFutureSkewSeconds=" + maxFutureSkewSeconds + ", retentionDays=" + retentionDays
        + ", batchMaxSize=" + batchMaxSize + ", writeConcurrency=" + writeConcurrency + ", mqttConnections=" + mqttConnections
        + ", recordingGapSeconds=" + recordingGapSeconds + ", verifyObjects=" + verifyObjects
        + ", sweepIntervalSeconds=" + sweepIntervalSeconds
        + ", adminToken=" + (adminTokenSha256 == null ? "none" : "***") + ", playlistBaseUrl=" + playlistBaseUrl
        + ", controlIntervalSeconds=" + controlIntervalSeconds + ", settleSeconds=" + settleSeconds + ", callbacks=" + callbacks + "]";
  }
}
