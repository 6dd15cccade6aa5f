package io.ipchls.kit.usage;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The prices a camera's usage is estimated at (config section {@code usage}): storage per GB-month (GB = 2^30 bytes,
 * a month of the month's own length), each PUT, and each GB served to viewers. The defaults are the seed's 2021
 * figures ({@link #SEED}: 0.1755 CNY per GB-month, 0.00000405 CNY per PUT, nothing for traffic, which the seed did not
 * price): 55.5 CNY per camera-month for 1080p at 5 Mbit/s, 3 s segments and 7 days kept.
 */
public record UsagePrices(String currency, double storagePerGbMonth, double perPut, double perGbServed) {
  private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{1,8}");
  /** The seed's storage price, per GB-month. */
  public static final double SEED_STORAGE_PER_GB_MONTH = 0.1755;
  /** The seed's price of one PUT request. */
  public static final double SEED_PER_PUT = 0.000_004_05;
  public static final UsagePrices SEED = new UsagePrices("CNY", SEED_STORAGE_PER_GB_MONTH, SEED_PER_PUT, 0);
  /** Bytes in a GB as the prices count them. */
  public static final double BYTES_PER_GB = 1L << 30;

  public UsagePrices {
    if (currency == null || !CURRENCY.matcher(currency).matches()) {
      throw new ConfigException("usage.currency", "must be 1-8 letters, got '" + currency + "'");
    }
    requirePrice("usage.storagePerGbMonth", storagePerGbMonth);
    requirePrice("usage.perPut", perPut);
    requirePrice("usage.perGbServed", perGbServed);
  }

  private static void requirePrice(String name, double price) {
    if (!Double.isFinite(price) || price < 0 || price > 1_000_000) {
      throw new ConfigException(name, "must be a number in [0, 1000000], got " + price);
    }
  }

  /** The section's defaults, for the services' {@code defaults()}. */
  public static JsonObject defaults() {
    return SEED.toJson();
  }

  public static UsagePrices from(Settings s) {
    return new UsagePrices(s.string("currency", SEED.currency()),
        number(s, "storagePerGbMonth", SEED.storagePerGbMonth()), number(s, "perPut", SEED.perPut()),
        number(s, "perGbServed", SEED.perGbServed()));
  }

  private static double number(Settings s, String key, double def) {
    String v = s.string(key, null);
    if (v == null) return def;
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(s.name(key), "must be a number, got '" + v + "'");
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("currency", currency).put("storagePerGbMonth", storagePerGbMonth)
        .put("perPut", perPut).put("perGbServed", perGbServed);
  }
}
