package io.ipchls.kit.usage;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The usage answers in JSON and CSV: a month of every camera with each one's costs (the cost report), and one
 * camera's days. Money is in {@link UsagePrices#currency()}; byte-hours are bytes × hours.
 */
public final class UsageReport {
  /** The month report's CSV columns after {@link CameraUsage#CSV_COLUMNS}. */
  public static final List<String> COST_COLUMNS = List.of("cost_storage", "cost_puts", "cost_served",
      "cost_month_to_date", "cost_month_estimate", "cost_steady_state");

  private UsageReport() {}

  /** {@code {month, prices, cameras: [{...usage, cost: {...}}], total: {...}}}. */
  public static JsonObject monthJson(YearMonth month, UsagePrices prices, Instant now, List<CameraUsage> cameras) {
    JsonArray list = new JsonArray();
    for (CameraUsage u : cameras) list.add(withCost(u, month, prices, now));
    return new JsonObject().put("month", month.toString()).put("prices", prices.toJson()).put("cameras", list)
        .put("total", withCost(CameraUsage.total(cameras), month, prices, now));
  }

  /** One line per camera and a last line {@code total}, each with its costs. */
  public static String monthCsv(YearMonth month, UsagePrices prices, Instant now, List<CameraUsage> cameras) {
    List<String> columns = new ArrayList<>(CameraUsage.CSV_COLUMNS);
    columns.addAll(COST_COLUMNS);
    StringBuilder out = new StringBuilder(String.join(",", columns)).append('\n');
    List<CameraUsage> lines = new ArrayList<>(cameras);
    lines.add(CameraUsage.total(cameras));
    for (CameraUsage u : lines) {
      CostEstimate c = u.cost(prices, month, now);
      out.append(u.csvLine(u.cameraId())).append(String.format(Locale.ROOT, ",%.4f,%.4f,%.4f,%.4f,%.4f,%.4f%n",
          c.storage(), c.puts(), c.served(), c.monthToDate(), c.monthEstimate(), c.steadyState()));
    }
    return out.toString();
  }

  /** A camera's usage with its cost for {@code month}. */
  public static JsonObject withCost(CameraUsage u, YearMonth month, UsagePrices prices, Instant now) {
    return u.toJson().put("cost", u.cost(prices, month, now).toJson().put("currency", prices.currency()));
  }

  /** One camera's days: the day in the first column. */
  public static String daysCsv(List<CameraUsage> days) {
    List<String> columns = new ArrayList<>(CameraUsage.CSV_COLUMNS);
    columns.set(0, "day");
    StringBuilder out = new StringBuilder(String.join(",", columns)).append('\n');
    for (CameraUsage d : days) out.append(d.csvLine(d.cameraId())).append('\n');
    return out.toString();
  }

  /** A day as JSON: the day in place of the camera id. */
  public static JsonObject dayJson(CameraUsage d) {
    JsonObject j = d.toJson();
    j.remove("cameraId");
    j.remove("storedBytes");
    j.remove("storedObjects");
    return new JsonObject().put("day", d.cameraId()).mergeIn(j);
  }
}
