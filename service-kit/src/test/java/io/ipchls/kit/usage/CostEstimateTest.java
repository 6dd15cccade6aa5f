package io.ipchls.kit.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;

/** The cost arithmetic against the seed's own figures, and the prices' bad values. */
class CostEstimateTest {
  private static final double GB = UsagePrices.BYTES_PER_GB;

  @Test
  void seedCamera_keptAllMonth_costsTheSeedsFigure() {
    // the seed: 52 CNY of storage (296.3 GB kept at 0.1755 CNY per GB-month) + 1200 PUTs an hour at 0.00000405 CNY
    YearMonth month = YearMonth.of(2021, 6); // 30 days, as the seed's 3.5 CNY of PUTs assumes
    double hours = 30 * 24;
    long stored = (long) (52 / 0.1755 * GB);
    long puts = 1200L * 30 * 24;
    CostEstimate c = CostEstimate.of(UsagePrices.SEED, month, Instant.parse("2021-07-02T00:00:00Z"),
        stored * hours, puts, /* bytesServed= */ 0, stored);
    assertEquals(52.0, c.storage(), 0.001);
    assertEquals(3.4992, c.puts(), 0.0001);
    assertEquals(55.5, c.monthToDate(), 0.01);
    assertEquals(c.monthToDate(), c.monthEstimate(), 1e-9, "a past month's estimate is what it cost");
    assertEquals(55.5, c.steadyState(), 0.01);
  }

  @Test
  void halfwayThroughTheMonth_theEstimateDoublesTheMonthSoFar() {
    YearMonth month = YearMonth.of(2026, 11);
    CostEstimate c = CostEstimate.of(UsagePrices.SEED, month, Instant.parse("2026-11-16T00:00:00Z"),
        /* byteHours= */ GB * 24 * 15, /* puts= */ 1000, /* bytesServed= */ 0, (long) GB);
    assertEquals(0.1755 / 2, c.storage(), 1e-9, "1 GB for half the month");
    assertEquals(2 * c.monthToDate(), c.monthEstimate(), 1e-9);
    assertEquals(0.1755 + 2 * 1000 * 0.00000405, c.steadyState(), 1e-9);
  }

  @Test
  void negativePrice_isRefused() {
    assertThrows(ConfigException.class,
        () -> UsagePrices.from(Settings.root(new JsonObject().put("storagePerGbMonth", "-1"))));
  }

  @Test
  void priceNotANumber_isRefused() {
    assertThrows(ConfigException.class, () -> UsagePrices.from(Settings.root(new JsonObject().put("perPut", "x"))));
  }

  @Test
  void badCurrency_isRefused() {
    assertThrows(ConfigException.class,
        () -> UsagePrices.from(Settings.root(new JsonObject().put("currency", "Yuan Renminbi"))));
  }
}
