package io.ipchls.ingest;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.config.MqttConfig;
import io.ipchls.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * ingest-service settings. {@code instanceId} names this instance's persistent MQTT session ({@code ingest-<id>}), so
 * it must be stable across restarts and unique among running instances (default: the host name).
 * {@code maxFutureSkewSeconds} and {@code retentionDays} bound the accepted segment start times; batches hold at most
 * {@code batchMaxSize} notifications and wait at most {@code batchDelayMs} for more.
 */
public record IngestConfig(
    HttpConfig http,
    DbConfig db,
    MqttConfig mqtt,
    String instanceId,
    int maxFutureSkewSeconds,
    int retentionDays,
    int batchMaxSize,
    int batchDelayMs) {
  public static final int DEFAULT_HTTP_PORT = 8082;
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  public IngestConfig {
    if (http == null) throw new ConfigException("http", "is required");
    if (db == null) throw new ConfigException("db", "is required");
    if (mqtt == null) throw new ConfigException("mqtt", "is required");
    if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
      throw new ConfigException("instanceId", "must match " + INSTANCE_ID.pattern() + ", got '" + instanceId + "'");
    }
    if (maxFutureSkewSeconds < 0) throw new ConfigException("maxFutureSkewSeconds", "must be >= 0");
    if (retentionDays < 1) throw new ConfigException("retentionDays", "must be >= 1");
    if (batchMaxSize < 1) throw new ConfigException("batchMaxSize", "must be >= 1");
    if (batchDelayMs < 0) throw new ConfigException("batchDelayMs", "must be >= 0");
  }

  /** The keys environment variables can override (ConfigLoader matches env names against these). */
  public static JsonObject defaults() {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", DEFAULT_HTTP_PORT))
        .put("db", new JsonObject().put("host", "127.0.0.1").put("port", 5432).put("database", "ipchls")
            .put("user", "postgres").put("password", "").put("maxPoolSize", 8))
        .put("mqtt", new JsonObject().put("host", "127.0.0.1").put("port", 1883).put("ssl", false)
            .put("username", "ingest").put("password", ""))
        .put("instanceId", defaultInstanceId())
        .put("maxFutureSkewSeconds", 300)
        .put("retentionDays", 7)
        .put("batchMaxSize", 500)
        .put("batchDelayMs", 20);
  }

  public static IngestConfig fromJson(JsonObject json) {
    Settings s = Settings.root(json);
    return new IngestConfig(
        HttpConfig.from(s.section("http"), DEFAULT_HTTP_PORT),
        DbConfig.from(s.section("db")),
        MqttConfig.from(s.section("mqtt")),
        s.string("instanceId", defaultInstanceId()),
        s.integer("maxFutureSkewSeconds", 300, 0, 7 * 24 * 3600),
        s.integer("retentionDays", 7, 1, 36500),
        s.integer("batchMaxSize", 500, 1, 10_000),
        s.integer("batchDelayMs", 20, 0, 10_000));
  }

  public JsonObject toJson() {
    return new JsonObject().put("http", http.toJson()).put("db", db.toJson()).put("mqtt", mqtt.toJson())
        .put("instanceId", instanceId).put("maxFutureSkewSeconds", maxFutureSkewSeconds)
        .put("retentionDays", retentionDays).put("batchMaxSize", batchMaxSize).put("batchDelayMs", batchDelayMs);
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
    return "IngestConfig[http=" + http + ", db=" + db + ", mqtt=" + mqtt + ", instanceId=" + instanceId
        + ", maxFutureSkewSeconds=" + maxFutureSkewSeconds + ", retentionDays=" + retentionDays
        + ", batchMaxSize=" + batchMaxSize + ", batchDelayMs=" + batchDelayMs + "]";
  }
}
