package io.ipchls.ingest.callbacks;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.Settings;
import io.vertx.core.json.JsonObject;

/**
 * The {@code callbacks} section of ingest's config. {@code masterKey} (at least {@value #MIN_MASTER_KEY_CHARS}
 * characters) derives every webhook's signing secret; without it there are no webhooks (the API is absent, nothing is
 * delivered) while events are still published on MQTT. Changing it changes every webhook's secret.
 */
public record CallbacksConfig(
    String masterKey,
    long pollMillis,
    int maxAttempts,
    long backoffInitialMillis,
    long backoffMaxMillis,
    int connectTimeoutMillis,
    int responseTimeoutMillis,
    int maxConcurrent,
    int maxPerWebhook,
    int retentionDays,
    int dbPoolSize) {
  public static final int MIN_MASTER_KEY_CHARS = 32;

  public CallbacksConfig {
    if (masterKey != null && masterKey.length() < MIN_MASTER_KEY_CHARS) {
      throw new ConfigException("callbacks.masterKey", "must be at least " + MIN_MASTER_KEY_CHARS + " characters");
    }
    if (backoffMaxMillis < backoffInitialMillis) {
      throw new ConfigException("callbacks.backoffMaxMillis", "must be >= callbacks.backoffInitialMillis");
    }
    if (maxPerWebhook > maxConcurrent) {
      throw new ConfigException("callbacks.maxPerWebhook", "must be <= callbacks.maxConcurrent");
    }
  }

  public boolean webhooksEnabled() {
    return masterKey != null;
  }

  public static JsonObject defaults() {
    return new JsonObject().put("masterKey", null).put("pollMillis", 1000).put("maxAttempts", 12)
        .put("backoffInitialMillis", 5000).put("backoffMaxMillis", 3_600_000).put("connectTimeoutMillis", 5000)
        .put("responseTimeoutMillis", 10_000).put("maxConcurrent", 32).put("maxPerWebhook", 4)
        .put("retentionDays", 30).put("dbPoolSize", 2);
  }

  public static CallbacksConfig from(Settings s) {
    String key = s.string("masterKey", null);
    return new CallbacksConfig(
        key == null || key.isBlank() ? null : key,
        s.longValue("pollMillis", 1000, 10, 60_000),
        s.integer("maxAttempts", 12, 1, 100),
        s.longValue("backoffInitialMillis", 5000, 1, 86_400_000),
        s.longValue("backoffMaxMillis", 3_600_000, 1, 7 * 86_400_000L),
        s.integer("connectTimeoutMillis", 5000, 100, 60_000),
        s.integer("responseTimeoutMillis", 10_000, 100, 300_000),
        s.integer("maxConcurrent", 32, 1, 1024),
        s.integer("maxPerWebhook", 4, 1, 256),
        s.integer("retentionDays", 30, 1, 3650),
        s.integer("dbPoolSize", 2, 1, 16));
  }

  /** Everything but the master key, which is never shown. */
  public JsonObject toJson() {
    return new JsonObject().put("masterKey", masterKey == null ? null : "***").put("pollMillis", pollMillis)
        .put("maxAttempts", maxAttempts).put("backoffInitialMillis", backoffInitialMillis)
        .put("backoffMaxMillis", backoffMaxMillis).put("connectTimeoutMillis", connectTimeoutMillis)
        .put("responseTimeoutMillis", responseTimeoutMillis).put("maxConcurrent", maxConcurrent)
        .put("maxPerWebhook", maxPerWebhook).put("retentionDays", retentionDays).put("dbPoolSize", dbPoolSize);
  }

  @Override
  public String toString() {
    return "CallbacksConfig" + toJson().encode();
  }
}
