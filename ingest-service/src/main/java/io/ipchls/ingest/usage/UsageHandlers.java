package io.ipchls.ingest.usage;

import io.ipchls.kit.http.AdminCaller;
import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.Routes;
import io.ipchls.kit.registry.CameraRegistryReader;
import io.ipchls.kit.usage.CameraUsage;
import io.ipchls.kit.usage.UsagePrices;
import io.ipchls.kit.usage.UsageReader;
import io.ipchls.kit.usage.UsageReport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;

/**
 * The usage API (admin): {@code GET /api/v1/usage?month=&account=} every camera's month with its costs, grouped by
 * account (the cost report; the only route an account admin may call, for its own account), and
 * {@code GET /api/v1/cameras/{id}/usage?from=&to=} one camera's days with its month so far; JSON, or CSV with
 * {@code format=csv} or {@code Accept: text/csv}. Read from the counters, never from the bucket.
 */
public final class UsageHandlers {
  public static final String MONTH_PATH = "/usage";
  public static final String CAMERA_PATH = "/cameras/:id/usage";

  private final UsageReader reader;
  private final CameraRegistryReader registry;
  private final UsagePrices prices;

  public UsageHandlers(Pool pool, UsagePrices prices) {
    this.reader = new UsageReader(pool);
    this.registry = new CameraRegistryReader(pool);
    this.prices = prices;
  }

  /**
   * The month of every camera, grouped by account; with {@code account} that account's cameras only. The operator
   * reads any account (404 for one the registry does not know); an account admin only its own (403
   * {@code other_account} for another), and without {@code account} gets its own.
   */
  public void month(RoutingContext ctx) {
    var req = UsageRequests.Month.from(ctx);
    AdminCaller caller = AdminCaller.of(ctx);
    if (!caller.operator() && req.account() != null && !req.account().equals(caller.account())) {
      throw new ApiException(403, "other_account", "an account admin reads its own account's usage only");
    }
    String account = caller.operator() ? req.account() : caller.account();
    LocalDate first = req.month().atDay(1);
    Future<Boolean> known = account == null || !caller.operator() ? Future.succeededFuture(true)
        : registry.accountExists(account);
    Future<List<CameraUsage>> all = reader.period(first, first.plusMonths(1));
    Future<Map<String, String>> accountOf = reader.accounts();
    Future.all(known, all, accountOf).onSuccess(x -> {
      if (!known.result()) {
        ctx.fail(ApiException.notFound("no such account: " + account));
        return;
      }
      List<CameraUsage> cameras = account == null ? all.result() : all.result().stream()
          .filter(u -> account.equals(accountOf.result().get(u.cameraId()))).toList();
      Instant now = Instant.now();
      if (req.csv()) {
        csv(ctx, "usage-" + req.month() + (account == null ? "" : "-" + account) + ".csv",
            UsageReport.monthCsv(req.month(), prices, now, cameras, accountOf.result()));
      } else {
        json(ctx, UsageReport.monthJson(req.month(), prices, now, cameras, accountOf.result())
            .put("accountId", account));
      }
    }).onFailure(ctx::fail);
  }

  public void camera(RoutingContext ctx) {
    var req = UsageRequests.CameraRange.from(ctx);
    YearMonth month = YearMonth.from(req.to());
    LocalDate first = month.atDay(1);
    Future<List<CameraUsage>> days = reader.days(req.cameraId(), req.from(), req.to());
    Future<CameraUsage> ofMonth = reader.camera(req.cameraId(), first, first.plusMonths(1))
        .map(found -> found.orElse(new CameraUsage(req.cameraId(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
    Future.all(days, ofMonth).onSuccess(x -> {
      if (req.csv()) {
        csv(ctx, req.cameraId() + "-usage-" + req.from() + "-" + req.to() + ".csv",
            UsageReport.daysCsv(days.result()));
        return;
      }
      CameraUsage m = ofMonth.result();
      JsonArray list = new JsonArray();
      days.result().forEach(d -> list.add(UsageReport.dayJson(d)));
      json(ctx, new JsonObject().put("cameraId", req.cameraId()).put("storedBytes", m.storedBytes())
          .put("storedObjects", m.storedObjects()).put("from", req.from().toString()).put("to", req.to().toString())
          .put("days", list)
          .put("month", UsageReport.withCost(m, month, prices, Instant.now()).put("month", month.toString())));
    }).onFailure(ctx::fail);
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json");
    Routes.end(ctx.response(), body.encode());
  }

  private static void csv(RoutingContext ctx, String fileName, String body) {
    ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
    Routes.end(ctx.response(), body);
  }
}
