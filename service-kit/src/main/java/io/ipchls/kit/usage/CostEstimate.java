package io.ipchls.kit.usage;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * What a camera's usage costs at {@link UsagePrices}, the one home of that arithmetic:
 * <ul>
 *   <li>{@code monthToDate}: the month's measured byte-hours, PUTs and bytes served, priced (storage is byte-hours
 *       over the month's hours, so a GB kept all month costs one GB-month);</li>
 *   <li>{@code monthEstimate}: month-to-date extrapolated to the whole month at the rate so far (the elapsed share of a
 *       past month is 1: its estimate is what it cost);</li>
 *   <li>{@code steadyState}: what a month costs when the camera keeps what it stores now and goes on writing at this
 *       month's PUT rate: current stored bytes for a month, plus the PUTs extrapolated. With retention full this is the
 *       seed's per-camera-month figure.</li>
 * </ul>
 */
public record CostEstimate(double storage, double puts, double served, double monthToDate, double monthEstimate,
    double steadyState) {

  /** @param now the instant the figures were read (decides how much of the month has passed) */
  public static CostEstimate of(UsagePrices prices, YearMonth month, Instant now, double byteHours, long puts,
      long bytesServed, long storedBytes) {
    double monthHours = month.lengthOfMonth() * 24.0;
    double storage = byteHours / UsagePrices.BYTES_PER_GB / monthHours * prices.storagePerGbMonth();
    double requests = puts * prices.perPut();
    double served = bytesServed / UsagePrices.BYTES_PER_GB * prices.perGbServed();
    double toDate = storage + requests + served;
    double elapsed = elapsedShare(month, now);
    double estimate = elapsed <= 0 ? 0 : toDate / elapsed;
    double putsPerMonth = elapsed <= 0 ? 0 : requests / elapsed;
    double steady = storedBytes / UsagePrices.BYTES_PER_GB * prices.storagePerGbMonth() + putsPerMonth
        + (elapsed <= 0 ? 0 : served / elapsed);
    return new CostEstimate(storage, requests, served, toDate, estimate, steady);
  }

  /** The share of {@code month} that has passed at {@code now}: 0 before it, 1 after it. */
  static double elapsedShare(YearMonth month, Instant now) {
    Instant start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    if (!now.isAfter(start)) return 0;
    if (!now.isBefore(end)) return 1;
    return (double) (now.toEpochMilli() - start.toEpochMilli()) / (end.toEpochMilli() - start.toEpochMilli());
  }

  public JsonObject toJson() {
    return new JsonObject().put("storage", round(storage)).put("puts", round(puts)).put("served", round(served))
        .put("monthToDate", round(monthToDate)).put("monthEstimate", round(monthEstimate))
        .put("steadyState", round(steadyState));
  }

  /** Money to 1/10000 of the currency unit: a PUT costs less than a cent. */
  public static double round(double amount) {
    return Math.round(amount * 10_000) / 10_000.0;
  }
}
