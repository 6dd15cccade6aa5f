package io.ipchls.playlist.http;

import io.ipchls.kit.usage.CameraUsage;
import io.ipchls.kit.usage.UsagePrices;
import io.ipchls.kit.usage.UsageReader;
import io.ipchls.kit.usage.UsageReport;
import io.ipchls.playlist.auth.ViewerAuth;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * {@code GET /api/v1/cameras/{id}/usage} (viewer): what the camera stores now and its month so far (UTC) with the
 * cost estimate at this service's prices, for the web player. Read through ingest's usage views (the same reader as
 * ingest's admin report); a camera that never stored anything answers zeros.
 */
final class UsageHandler {
  private final UsageReader reader;
  private final UsagePrices prices;
  private final Clock clock;

  UsageHandler(Pool pool, UsagePrices prices, Clock clock) {
    this.reader = new UsageReader(pool);
    this.prices = prices;
    this.clock = clock;
  }

  void handle(RoutingContext ctx) {
    ApiHandlers.respond(ctx, () -> {
      String camera = QueryParams.cameraId(ctx.pathParam("id"), "camera id");
      ViewerAuth.scope(ctx).require(camera);
      YearMonth month = YearMonth.from(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
      LocalDate first = month.atDay(1);
      return reader.camera(camera, first, first.plusMonths(1)).map(found -> {
        CameraUsage u = found.orElse(new CameraUsage(camera, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        return UsageReport.withCost(u, month, prices, clock.instant()).put("month", month.toString());
      });
    });
  }
}
