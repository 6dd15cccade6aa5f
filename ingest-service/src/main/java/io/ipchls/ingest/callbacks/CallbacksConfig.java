package io.ipchls.ingest.callbacks;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.IntSetting;
import io.ipchls.kit.config.LongSetting;
import io.ipchls.kit.config.Setting;
import io.ipchls.kit.config.Settings;
import io.ipchls.kit.config.StringSetting;
import io.vertx.core.json.JsonObject;

/**
 * The {@code callbacks} section of ingest's config. {@code masterKey} (at least {@value #MIN_MASTER_KEY_CHARS}
 * characters) derives every webhook's signing secret; without it there are no webhooks (the API is absent, nothing is
 * delivered) while events are still published on MQTT. Changing it changes every webhook's secret.
 * {@code allowedTargets} (CIDRs, comma-separated; none by default) are the internal address ranges webhooks may still
 * be delivered to (see {@link WebhookTargets}).
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
    int dbPoolSize,
    WebhookTargets targets) {
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

  /** No default: without a master key there are no webhooks. */
  public static final StringSetting MASTER_KEY = StringSetting.named("masterKey");
  public static final LongSetting POLL_MILLIS = LongSetting.named("pollMillis").byDefault(1000).atLeast(10)
      .atMost(60_000);
  public static final IntSetting MAX_ATTEMPTS = IntSetting.named("maxAttempts").byDefault(12).atLeast(1).atMost(100);
  public static final LongSetting BACKOFF_INITIAL_MILLIS = LongSetting.named("backoffInitialMillis").byDefault(5000)
      .atLeast(1).atMost(86_400_000);
  public static final LongSetting BACKOFF_MAX_MILLIS = LongSetting.named("backoffMaxMillis").byDefault(3_600_000)
      .atLeast(1).atMost(7 * 86_400_000L);
  public static final IntSetting CONNECT_TIMEOUT_MILLIS = IntSetting.named("connectTimeoutMillis").byDefault(5000)
      .atLeast(100).atMost(60_000);
  public static final IntSetting RESPONSE_TIMEOUT_MILLIS = IntSetting.named("responseTimeoutMillis")
      .byDefault(10_000).atLeast(100).atMost(300_000);
  public static final IntSetting MAX_CONCURRENT = IntSetting.named("maxConcurrent").byDefault(32).atLeast(1)
      .atMost(1024);
  public static final IntSetting MAX_PER_WEBHOOK = IntSetting.named("maxPerWebhook").byDefault(4).atLeast(1)
      .atMost(256);
  public static final IntSetting RETENTION_DAYS = IntSetting.named("retentionDays").byDefault(30).atLeast(1)
      .atMost(3650);
  public static final IntSetting DB_POOL_SIZE = IntSetting.named("dbPoolSize").byDefault(2).atLeast(1).atMost(16);
  /** No default: no loopback, private or link-local target unless listed. */
  public static final StringSetting ALLOWED_TARGETS = StringSetting.named("allowedTargets");

  /** The {@code callbacks} section's defaults. */
  public static JsonObject defaults() {
    return Setting.defaults(MASTER_KEY, POLL_MILLIS, MAX_ATTEMPTS, BACKOFF_INITIAL_MILLIS, BACKOFF_MAX_MILLIS,
        CONNECT_TIMEOUT_MILLIS, RESPONSE_TIMEOUT_MILLIS, MAX_CONCURRENT, MAX_PER_WEBHOOK, RETENTION_DAYS,
        DB_POOL_SIZE, ALLOWED_TARGETS);
  }

  public static CallbacksConfig from(Settings s) {
    String key = MASTER_KEY.read(s);
    return new CallbacksConfig(key == null || key.isBlank() ? null : key, POLL_MILLIS.read(s), MAX_ATTEMPTS.read(s),
        BACKOFF_INITIAL_MILLIS.read(s), BACKOFF_MAX_MILLIS.read(s), CONNECT_TIMEOUT_MILLIS.read(s),
        RESPONSE_TIMEOUT_MILLIS.read(s), MAX_CONCURRENT.read(s), MAX_PER_WEBHOOK.read(s), RETENTION_DAYS.read(s),
        DB_POOL_SIZE.read(s), WebhookTargets.allowing(ALLOWED_TARGETS.read(s)));
  }

  /** Everything but the master key, which is never shown. */
  public JsonObject toJson() {
    return new JsonObject().put("masterKey", masterKey == null ? null : "***").put("pollMillis", pollMillis)
        .put("maxAttempts", maxAttempts).put("backoffInitialMillis", backoffInitialMillis)
        .put("backoffMaxMillis", backoffMaxMillis).put("connectTimeoutMillis", connectTimeoutMillis)
        .put("responseTimeoutMillis", responseTimeoutMillis).put("maxConcurrent", maxConcurrent)
        .put("maxPerWebhook", maxPerWebhook).put("retentionDays", retentionDays).put("dbPoolSize", dbPoolSize)
        .put("allowedTargets", targets.toString().isEmpty() ? null : targets.toString());
  }

  @Override
  public String toString() {
    return "CallbacksConfig" + toJson().encode();
  }
}
