package io.ipchls.kit.usage;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The usage answers in JSON and CSV: a month of every camera with each one's costs (the cost report), and one
 * camera's days. Money is in {@link UsagePrices#currency()}; byte-hours are bytes × hours.
 */
public final class UsageReport {
  /** The month report's CSV columns after {@link CameraUsage#CSV_COLUMNS}. */
  public static final List<String> COST_COLUMNS = List.of("cost_storage", "cost_puts", "cost_served",
      "cost_month_to_date", "cost_month_estimate", "cost_steady_state");

  private UsageReport() {}

  /** The month report's CSV column after the costs: the camera's account (empty: none). */
  public static final String ACCOUNT_COLUMN = "account_id";
  /** The camera id column of an account's subtotal line in the CSV. */
  public static final String SUBTOTAL = "subtotal";

  /**
   * {@code {month, prices, cameras: [{...usage, accountId, cost: {...}}], accounts: [{accountId, cameras, ...usage,
   * cost}], total: {...}}}: each camera with its account ({@code accountOf}; null: none), each account's subtotal
   * (accounts in id order; cameras without an account have none), and the total of all cameras listed.
   */
  public static JsonObject monthJson(YearMonth month, UsagePrices prices, Instant now, List<CameraUsage> cameras,
      Map<String, String> accountOf) {
    JsonArray list = new JsonArray();
    for (CameraUsage u : cameras) {
      list.add(withCost(u, month, prices, now).put("accountId", accountOf.get(u.cameraId())));
    }
    JsonArray accounts = new JsonArray();
    byAccount(cameras, accountOf).forEach((account, members) -> {
      JsonObject subtotal = withCost(CameraUsage.total(members), month, prices, now);
      subtotal.remove("cameraId");
      accounts.add(new JsonObject().put("accountId", account).put("cameras", members.size()).mergeIn(subtotal));
    });
    return new JsonObject().put("month", month.toString()).put("prices", prices.toJson()).put("cameras", list)
        .put("accounts", accounts).put("total", withCost(CameraUsage.total(cameras), month, prices, now));
  }

  /**
   * One line per camera with its account in the last column, then one {@value #SUBTOTAL} line per account (its id in
   * that column), then a last line {@code total}; each with its costs.
   */
  public static String monthCsv(YearMonth month, UsagePrices prices, Instant now, List<CameraUsage> cameras,
      Map<String, String> accountOf) {
    List<String> columns = new ArrayList<>(CameraUsage.CSV_COLUMNS);
    columns.addAll(COST_COLUMNS);
    columns.add(ACCOUNT_COLUMN);
    StringBuilder out = new StringBuilder(String.join(",", columns)).append('\n');
    for (CameraUsage u : cameras) csvLine(out, u, u.cameraId(), accountOf.get(u.cameraId()), month, prices, now);
    byAccount(cameras, accountOf).forEach((account, members) ->
        csvLine(out, CameraUsage.total(members), SUBTOTAL, account, month, prices, now));
    csvLine(out, CameraUsage.total(cameras), "total", null, month, prices, now);
    return out.toString();
  }

  private static void csvLine(StringBuilder out, CameraUsage u, String first, String account, YearMonth month,
      UsagePrices prices, Instant now) {
    CostEstimate c = u.cost(prices, month, now);
    out.append(u.csvLine(first)).append(String.format(Locale.ROOT, ",%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%s%n",
        c.storage(), c.puts(), c.served(), c.monthToDate(), c.monthEstimate(), c.steadyState(),
        account == null ? "" : account));
  }

  /** The cameras of each account, accounts in id order; cameras without an account are in none. */
  public static Map<String, List<CameraUsage>> byAccount(List<CameraUsage> cameras, Map<String, String> accountOf) {
    Map<String, List<CameraUsage>> out = new TreeMap<>();
    for (CameraUsage u : cameras) {
      String account = accountOf.get(u.cameraId());
      if (account != null) out.computeIfAbsent(account, a -> new ArrayList<>()).add(u);
    }
    return out;
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
