package io.ipchls.ingest.usage;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.Settings;
import io.ipchls.kit.usage.UsagePrices;
import io.vertx.core.json.JsonObject;

/**
 * What usage metering uses (config section {@code usage}): the prices of the cost estimates ({@link UsagePrices}, the
 * seed's by default) and how often the Prometheus gauges are refreshed and byte-hours accrued
 * ({@code metricsIntervalSeconds}, 60 by default).
 */
public record UsageConfig(UsagePrices prices, int metricsIntervalSeconds) {
  public static final int DEFAULT_METRICS_INTERVAL_SECONDS = 60;

  public UsageConfig {
    if (prices == null) throw new ConfigException("usage", "prices are required");
    if (metricsIntervalSeconds < 1 || metricsIntervalSeconds > 86_400) {
      throw new ConfigException("usage.metricsIntervalSeconds", "must be in [1, 86400]");
    }
  }

  public static JsonObject defaults() {
    return UsagePrices.defaults().put("metricsIntervalSeconds", DEFAULT_METRICS_INTERVAL_SECONDS);
  }

  public static UsageConfig from(Settings s) {
    return new UsageConfig(UsagePrices.from(s),
        s.integer("metricsIntervalSeconds", DEFAULT_METRICS_INTERVAL_SECONDS, 1, 86_400));
  }

  public JsonObject toJson() {
    return prices.toJson().put("metricsIntervalSeconds", metricsIntervalSeconds);
  }
}
