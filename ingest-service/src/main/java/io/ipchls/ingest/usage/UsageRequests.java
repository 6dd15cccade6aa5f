package io.ipchls.ingest.usage;

import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.usage.UsageReader;
import io.ipchls.protocol.AccountIds;
import io.ipchls.protocol.CameraIds;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The usage API's typed requests, parsed and checked before any I/O; bad input is a 400. */
final class UsageRequests {
  /** Days one camera's usage may span in one request. */
  static final int MAX_DAYS = 366;

  private UsageRequests() {}

  /**
   * {@code GET /usage?month=YYYY-MM[&account=ID][&format=json|csv]} (default: this month in UTC, every camera);
   * {@code account}: only that account's cameras (null: all).
   */
  record Month(YearMonth month, String account, boolean csv) {
    static Month from(RoutingContext ctx) {
      String m = ctx.request().getParam("month");
      YearMonth month;
      try {
        month = m == null ? YearMonth.from(UsageReader.today()) : YearMonth.parse(m);
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("bad_month", "month must be YYYY-MM, got '" + abbreviate(m) + "'");
      }
      if (month.getYear() < 2000 || month.getYear() > 2099) {
        throw ApiException.badRequest("bad_month", "month must lie in 2000-01..2099-12");
      }
      String account = ctx.request().getParam("account");
      if (account != null && !AccountIds.isValid(account)) {
        throw ApiException.badRequest("invalid_account_id", "account must match " + AccountIds.PATTERN.pattern()
            + ", got '" + abbreviate(account) + "'");
      }
      return new Month(month, account, wantsCsv(ctx));
    }
  }

  /**
   * {@code GET /cameras/{id}/usage?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=json|csv]}: UTC days, both included
   * (default: this month so far).
   */
  record CameraRange(String cameraId, LocalDate from, LocalDate to, boolean csv) {
    static CameraRange from(RoutingContext ctx) {
      String id = ctx.pathParam("id");
      if (!CameraIds.isValid(id)) {
        throw ApiException.badRequest("invalid_camera_id", "camera id must match " + CameraIds.PATTERN.pattern());
      }
      LocalDate today = UsageReader.today();
      LocalDate to = day(ctx, "to", today);
      LocalDate from = day(ctx, "from", to.withDayOfMonth(1));
      if (to.isBefore(from)) throw ApiException.badRequest("bad_range", "to must not be before from");
      if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
        throw ApiException.badRequest("range_too_long", "at most " + MAX_DAYS + " days per request");
      }
      return new CameraRange(id, from, to, wantsCsv(ctx));
    }
  }

  private static LocalDate day(RoutingContext ctx, String name, LocalDate def) {
    String v = ctx.request().getParam(name);
    if (v == null) return def;
    try {
      LocalDate d = LocalDate.parse(v);
      if (d.getYear() >= 2000 && d.getYear() <= 2099) return d;
    } catch (DateTimeParseException e) {
      // the 400 below
    }
    throw ApiException.badRequest("bad_" + name, name + " must be a day YYYY-MM-DD in 2000..2099, got '"
        + abbreviate(v) + "'");
  }

  /** {@code format=csv}, or {@code Accept: text/csv} without a format; {@code format} is json or csv. */
  static boolean wantsCsv(RoutingContext ctx) {
    String format = ctx.request().getParam("format");
    if (format != null) {
      if (format.equals("csv")) return true;
      if (format.equals("json")) return false;
      throw ApiException.badRequest("bad_format", "format must be json or csv");
    }
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.contains("text/csv");
  }

  static String abbreviate(String s) {
    return s == null ? "" : s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
