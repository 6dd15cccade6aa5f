package io.ipchls.playlist.metering;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.Settings;
import io.ipchls.kit.usage.UsagePrices;
import io.vertx.core.json.JsonObject;

/**
 * Config section {@code usage}: the prices a viewer's camera usage is estimated at (the same keys and defaults as
 * ingest-service's, {@link UsagePrices}), and how often this instance adds its playback counters to the database
 * ({@code flushSeconds}, 5 by default; what it counted since the last flush is lost if it dies).
 */
public record MeteringConfig(UsagePrices prices, int flushSeconds) {
  public static final int DEFAULT_FLUSH_SECONDS = 5;
  public static final MeteringConfig DEFAULT = new MeteringConfig(UsagePrices.SEED, DEFAULT_FLUSH_SECONDS);

  public MeteringConfig {
    if (prices == null) throw new ConfigException("usage", "prices are required");
    if (flushSeconds < 1 || flushSeconds > 300) throw new ConfigException("usage.flushSeconds", "must be in [1, 300]");
  }

  public static JsonObject defaults() {
    return UsagePrices.defaults().put("flushSeconds", DEFAULT_FLUSH_SECONDS);
  }

  public static MeteringConfig from(Settings s) {
    return new MeteringConfig(UsagePrices.from(s), s.integer("flushSeconds", DEFAULT_FLUSH_SECONDS, 1, 300));
  }
}
