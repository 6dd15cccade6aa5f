package io.ipchls.ingest;

import io.ipchls.ingest.callbacks.CallbacksConfig;
import io.ipchls.ingest.control.ControlConfig;
import io.ipchls.ingest.indexing.IndexingConfig;
import io.ipchls.ingest.retention.RetentionConfig;
import io.ipchls.ingest.usage.UsageConfig;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.kit.config.BoolSetting;
import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.config.IntSetting;
import io.ipchls.kit.config.MqttConfig;
import io.ipchls.kit.config.S3Config;
import io.ipchls.kit.config.Setting;
import io.ipchls.kit.config.Settings;
import io.ipchls.kit.config.StringSetting;
import io.ipchls.kit.crypto.Sha256;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * ingest-service settings: flat keys and IPCHLS_ env names as ever, parsed here into one record per sub-domain, each
 * holding only what that sub-domain uses ({@link IndexingConfig}, {@link RetentionConfig}, {@link ControlConfig},
 * {@link CallbacksConfig}) and validated by it. {@code instanceId} names this instance's persistent MQTT session
 * ({@code ingest-<id>}), so it must be stable across restarts and unique among running instances (default: the host
 * name). {@code s3} is the bucket with the service's own key pair, needed by retention, by {@code verifyObjects} and
 * by index files; without a key pair objects are never deleted and retention is off. {@code adminToken} is the bearer
 * token of the admin API under {@code /api/v1/} (recording control, webhooks); only its SHA-256 is kept, and without
 * one there is no admin API. {@code db} reaches the sub-domains only through {@code shared.IngestPools}.
 */
public record IngestConfig(
    HttpConfig http,
    DbConfig db,
    MqttConfig mqtt,
    S3Config s3,
    String instanceId,
    String adminTokenSha256,
    IndexingConfig indexing,
    RetentionConfig retention,
    ControlConfig control,
    CallbacksConfig callbacks,
    UsageConfig usage) {
  public static final int DEFAULT_HTTP_PORT = 8082;
  /** An admin token shorter than this is refused at start-up. */
  public static final int MIN_ADMIN_TOKEN_CHARS = 16;
  private static final Pattern INSTANCE_ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  public IngestConfig {
    if (http == null) throw new ConfigException("http", "is required");
    if (db == null) throw new ConfigException("db", "is required");
    if (mqtt == null) throw new ConfigException("mqtt", "is required");
    if (s3 == null) throw new ConfigException("s3", "is required");
    if (indexing == null) throw new ConfigException("indexing", "is required");
    if (retention == null) throw new ConfigException("retention", "is required");
    if (control == null) throw new ConfigException("control", "is required");
    if (callbacks == null) throw new ConfigException("callbacks", "is required");
    if (usage == null) throw new ConfigException("usage", "is required");
    if (instanceId == null || !INSTANCE_ID_PATTERN.matcher(instanceId).matches()) {
      throw new ConfigException("instanceId",
          "must match " + INSTANCE_ID_PATTERN.pattern() + ", got '" + instanceId + "'");
    }
  }

  /** True when the service may talk to the bucket (retention sweeps, object verification, index files). */
  public boolean s3Enabled() {
    return !s3.accessKeyId().isBlank() && !s3.secretAccessKey().isBlank();
  }

  public static final IntSetting MAX_FUTURE_SKEW_SECONDS =
      IntSetting.named("maxFutureSkewSeconds").byDefault(300).atLeast(0).atMost(7 * 24 * 3600);
  /** Declared by retention, its owner; record templates take their retention within the same bounds. */
  public static final IntSetting RETENTION_DAYS = RetentionConfig.RETENTION_DAYS;
  public static final IntSetting BATCH_MAX_SIZE = IntSetting.named("batchMaxSize").byDefault(500).atLeast(1)
      .atMost(10_000);
  /**
   * How long a free writer waits for a batch of at least half of {@code batchMaxSize}, from the oldest queued
   * notification's arrival (fewer, larger batches: PostgreSQL's CPU per row, see SegmentBatcher).
   */
  public static final IntSetting BATCH_LINGER_MS = IntSetting.named("batchLingerMs").byDefault(20).atLeast(0)
      .atMost(1000);
  public static final IntSetting WRITE_CONCURRENCY = IntSetting.named("writeConcurrency").byDefault(2).atLeast(1)
      .atMost(64);
  public static final IntSetting MQTT_CONNECTIONS = IntSetting.named("mqttConnections").byDefault(4).atLeast(1)
      .atMost(64);
  /**
   * Notifications one MQTT connection may hold received and not yet acknowledged; at this bound it stops reading
   * from the broker until commits bring it down to half (ingest's memory under a backlog: see OPERATIONS.md).
   */
  public static final IntSetting MAX_HELD_PER_CONNECTION = IntSetting.named("maxHeldPerConnection").byDefault(1000)
      .atLeast(10).atMost(100_000);
  public static final IntSetting RECORDING_GAP_SECONDS = IntSetting.named("recordingGapSeconds")
      .byDefault(RecordingGapRule.DEFAULT_SECONDS).atLeast(1).atMost(86_400);
  public static final BoolSetting VERIFY_OBJECTS = BoolSetting.named("verifyObjects").byDefault(false);
  public static final IntSetting SWEEP_INTERVAL_SECONDS = IntSetting.named("sweepIntervalSeconds").byDefault(3600)
      .atLeast(1).atMost(86_400);
  /** No default: without one there is no admin API. */
  public static final StringSetting ADMIN_TOKEN = StringSetting.named("adminToken");
  /** Empty: replay paths stay relative to playlist-service. */
  public static final StringSetting PLAYLIST_BASE_URL = StringSetting.named("playlistBaseUrl").byDefault("");
  public static final IntSetting CONTROL_INTERVAL_SECONDS = IntSetting.named("controlIntervalSeconds").byDefault(5)
      .atLeast(1).atMost(3600);
  public static final IntSetting SETTLE_SECONDS = IntSetting.named("settleSeconds").byDefault(10).atLeast(0)
      .atMost(600);
  /** Its default, the host name, is computed at start-up ({@link #defaultInstanceId}). */
  public static final StringSetting INSTANCE_ID = StringSetting.named("instanceId");

  /** The keys environment variables can override (ConfigLoader matches env names against these). */
  public static JsonObject defaults() {
    return Setting.defaults(INSTANCE_ID.byDefault(defaultInstanceId()), MAX_FUTURE_SKEW_SECONDS, RETENTION_DAYS,
            BATCH_MAX_SIZE, BATCH_LINGER_MS, WRITE_CONCURRENCY, MQTT_CONNECTIONS, MAX_HELD_PER_CONNECTION,
            RECORDING_GAP_SECONDS, VERIFY_OBJECTS, SWEEP_INTERVAL_SECONDS, RetentionConfig.QUOTA_INTERVAL_SECONDS,
            ADMIN_TOKEN, PLAYLIST_BASE_URL, CONTROL_INTERVAL_SECONDS, SETTLE_SECONDS)
        .put("http", HttpConfig.defaults(DEFAULT_HTTP_PORT))
        .put("db", DbConfig.defaults())
        .put("mqtt", MqttConfig.defaults("ingest"))
        .put("s3", S3Config.defaults())
        .put("callbacks", CallbacksConfig.defaults())
        .put("usage", UsageConfig.defaults());
  }

  public static IngestConfig fromJson(JsonObject json) {
    Settings s = Settings.root(json);
    MqttConfig mqtt = MqttConfig.from(s.section("mqtt"));
    S3Config s3 = S3Config.from(s.section("s3"), /* keyPairRequired= */ false);
    String instanceId = INSTANCE_ID.byDefault(defaultInstanceId()).read(s);
    String clientId = mqttClientId(instanceId);
    int retentionDays = RETENTION_DAYS.read(s);
    var gapRule = new RecordingGapRule(RECORDING_GAP_SECONDS.read(s));
    var indexing = new IndexingConfig(mqtt, clientId, MQTT_CONNECTIONS.read(s), MAX_HELD_PER_CONNECTION.read(s),
        BATCH_MAX_SIZE.read(s), BATCH_LINGER_MS.read(s),
        WRITE_CONCURRENCY.read(s), MAX_FUTURE_SKEW_SECONDS.read(s), retentionDays, gapRule, VERIFY_OBJECTS.read(s),
        s3);
    var retention = new RetentionConfig(s3, retentionDays, SWEEP_INTERVAL_SECONDS.read(s),
        RetentionConfig.QUOTA_INTERVAL_SECONDS.read(s));
    var control = new ControlConfig(mqtt, clientId, s3, stripSlash(PLAYLIST_BASE_URL.read(s)),
        CONTROL_INTERVAL_SECONDS.read(s), SETTLE_SECONDS.read(s), gapRule, retentionDays);
    return new IngestConfig(HttpConfig.from(s.section("http"), DEFAULT_HTTP_PORT), DbConfig.from(s.section("db")),
        mqtt, s3, instanceId, adminTokenSha256(ADMIN_TOKEN.read(s)), indexing, retention, control,
        CallbacksConfig.from(s.section("callbacks")), UsageConfig.from(s.section("usage")));
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
        .put("s3", s3.toJson()).put("instanceId", instanceId)
        .put("maxFutureSkewSeconds", indexing.maxFutureSkewSeconds())
        .put("retentionDays", retention.defaultRetentionDays())
        .put("batchMaxSize", indexing.batchMaxSize()).put("batchLingerMs", indexing.batchLingerMs())
        .put("writeConcurrency", indexing.writeConcurrency())
        .put("mqttConnections", indexing.mqttConnections())
        .put("maxHeldPerConnection", indexing.maxHeldPerConnection())
        .put("recordingGapSeconds", indexing.gapRule().gapSeconds()).put("verifyObjects", indexing.verifyObjects())
        .put("sweepIntervalSeconds", retention.sweepIntervalSeconds())
        .put("quotaIntervalSeconds", retention.quotaIntervalSeconds()).put("playlistBaseUrl", control.playlistBaseUrl())
        .put("controlIntervalSeconds", control.intervalSeconds()).put("settleSeconds", control.settleSeconds())
        .put("callbacks", callbacks.toJson()).put("usage", usage.toJson());
  }

  public String mqttClientId() {
    return mqttClientId(instanceId);
  }

  private static String mqttClientId(String instanceId) {
    return "ingest-" + instanceId;
  }

  /** The host name when it is usable as an id (stable across restarts, so the MQTT session survives), else random. */
  static String defaultInstanceId() {
    try {
      String host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
      if (INSTANCE_ID_PATTERN.matcher(host).matches()) return host;
    } catch (Exception ignored) {
      // fall through to a random id
    }
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** Everything but the secrets (passwords, keys, the admin token) in the flat layout of the config file. */
  @Override
  public String toString() {
    JsonObject shown = toJson().put("db", db.toString()).put("mqtt", mqtt.toString()).put("s3", s3.toString())
        .put("adminToken", adminTokenSha256 == null ? "none" : "***").put("callbacks", callbacks.toString());
    return "IngestConfig" + shown.encode();
  }
}
