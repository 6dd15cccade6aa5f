package io.ipchls.launcher;

import io.ipchls.protocol.AccountIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./ipc-hls usage [--month YYYY-MM] [--account ID] [--csv | --json]}: the cost report, each camera's month
 * so far (bytes stored now, PUTs, bytes served) with its account, each account's subtotal, and the cost estimate at ingest-service's prices, from ingest's admin API
 * ({@code GET /api/v1/usage}). Exit code 0, or 1 when the report could not be had.
 */
@Command(name = "usage", mixinStandardHelpOptions = true,
    description = "Each camera's storage and traffic this month and the cost estimate (ingest-service's usage API).")
final class UsageCommand implements Callable<Integer> {
  @Option(names = "--url", defaultValue = "${env:IPCHLS_INGEST_URL:-http://127.0.0.1:8082}",
      description = "ingest-service base URL (default: ${DEFAULT-VALUE})")
  URI url;

  @Option(names = "--token", defaultValue = "${env:IPCHLS_ADMIN_TOKEN}",
      description = "admin token (default: IPCHLS_ADMIN_TOKEN, else adminToken from <data-dir>/secrets.json)")
  String token;

  @Option(names = "--data-dir", defaultValue = "data", description = "the demo's data directory (default: ./data)")
  Path dataDir;

  @Option(names = "--month", description = "the month, YYYY-MM (default: this month, UTC)")
  String month;

  @Option(names = "--account", description = "only this account's cameras (an account admin token reads its own)")
  String account;

  @Option(names = "--csv", description = "print the API's CSV (one line per camera, then the total)")
  boolean csv;

  @Option(names = "--json", description = "print the API's JSON instead of the table")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (month != null) {
      try {
        YearMonth.parse(month);
      } catch (DateTimeParseException e) {
        throw new ParameterException(spec.commandLine(), "--month must be YYYY-MM, got '" + month + "'");
      }
    }
    if (account != null && !AccountIds.isValid(account)) {
      throw new ParameterException(spec.commandLine(), "--account must match " + AccountIds.PATTERN.pattern()
          + ", got '" + account + "'");
    }
    if (csv && json) throw new ParameterException(spec.commandLine(), "--csv and --json exclude each other");
    String path = "/api/v1/usage?format=" + (csv ? "csv" : "json")
        + (month == null ? "" : "&month=" + URLEncoder.encode(month, StandardCharsets.UTF_8))
        + (account == null ? "" : "&account=" + URLEncoder.encode(account, StandardCharsets.UTF_8));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HttpResponse<String> r;
    try {
      Path ca = dataDir.resolve("tls").resolve("ca.pem");
      r = new AdminClient(url, CameraCommand.Target.adminToken(token, dataDir), Files.exists(ca) ? ca : null)
          .send("GET", path, null);
    } catch (ConnectException e) {
      err.println("ipc-hls: cannot reach ingest-service at " + url + " (is it running? --url)");
      return 1;
    } catch (IOException e) {
      err.println("ipc-hls: " + e.getMessage());
      return 1;
    }
    if (r.statusCode() != 200) {
      err.println("ipc-hls: GET " + path + " failed with " + r.statusCode() + ": " + r.body());
      return 1;
    }
    out.print(csv ? r.body() : json ? new JsonObject(r.body()).encodePrettily() + "\n" : table(new JsonObject(r.body())));
    out.flush();
    return 0;
  }

  /**
   * One line per camera with its account, one {@code account:<id>} line per account (its cameras' sum), and the
   * total: stored now, this month's PUTs and traffic, and the costs.
   */
  static String table(JsonObject report) {
    JsonObject prices = report.getJsonObject("prices");
    String currency = prices.getString("currency");
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "Usage %s (UTC), prices: %s %.4f per GB-month, "
        + "%s %.8f per PUT, %s %.4f per GB served%n", report.getString("month"), currency,
        prices.getDouble("storagePerGbMonth"), currency, prices.getDouble("perPut"), currency,
        prices.getDouble("perGbServed")));
    b.append(String.format(Locale.ROOT, "%-24s %12s %9s %9s %12s %12s %12s %12s  %s%n", "camera", "stored",
        "objects", "PUTs", "served", "month so far", "month est.", "steady/month", "account"));
    for (Object o : report.getJsonArray("cameras")) {
      JsonObject u = (JsonObject) o;
      line(b, u.getString("cameraId"), u, u.getString("accountId", ""));
    }
    for (Object o : report.getJsonArray("accounts", new JsonArray())) {
      JsonObject a = (JsonObject) o;
      line(b, "account:" + a.getString("accountId"), a, a.getInteger("cameras") + " camera(s)");
    }
    line(b, "total", report.getJsonObject("total"), "");
    b.append("(costs in ").append(currency).append("; month est. = the month so far extrapolated; steady/month = a "
        + "month of what is stored now plus PUTs and traffic at this month's rate)\n");
    return b.toString();
  }

  private static void line(StringBuilder b, String name, JsonObject u, String last) {
    JsonObject c = u.getJsonObject("cost");
    b.append(String.format(Locale.ROOT, "%-24s %12s %9d %9d %12s %12.4f %12.2f %12.2f  %s%n", name,
        bytes(u.getLong("storedBytes")), u.getLong("storedObjects"), u.getLong("puts"),
        bytes(u.getLong("bytesServed")), c.getDouble("monthToDate"), c.getDouble("monthEstimate"),
        c.getDouble("steadyState"), last).replaceAll(" +\n$", "\n"));
  }

  static String bytes(long n) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return i == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
