package io.ipchls.ingest.callbacks;

import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.Routes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The webhook API's typed requests, parsed and validated before any I/O; bad input is a 400. */
final class WebhookRequests {
  static final int MAX_URL_CHARS = 2048;
  static final int MAX_DESCRIPTION_CHARS = 200;
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 500;
  static final Pattern WEBHOOK_ID = Pattern.compile("wh_[0-9a-f]{16}");
  private static final List<String> STATUSES = List.of("pending", "delivered", "failed");

  private WebhookRequests() {}

  /** {@code POST /api/v1/webhooks} body {@code {url, description?, events?}}. */
  record Create(String url, String description, List<String> events) {
    static Create from(RoutingContext ctx) {
      JsonObject body = Routes.jsonBody(ctx);
      return new Create(WebhookRequests.url(body.getValue("url")), WebhookRequests.description(body.getValue("description")),
          WebhookRequests.events(body.getValue("events")));
    }
  }

  /** {@code GET /api/v1/webhooks?limit=&after=}: keyset paging by id. */
  record Page(int limit, String after) {
    static Page from(RoutingContext ctx) {
      String after = ctx.queryParams().get("after");
      if (after != null && !WEBHOOK_ID.matcher(after).matches()) {
        throw ApiException.badRequest("bad_after", "after must be a webhook id (wh_ + 16 hex)");
      }
      return new Page(WebhookRequests.limit(ctx), after);
    }
  }

  /** {@code GET .../deliveries?status=&eventType=&cursor=&limit=}: newest first, keyset paging by delivery id. */
  record DeliveryQuery(String webhookId, String status, String eventType, Long cursor, int limit) {
    static DeliveryQuery from(RoutingContext ctx) {
      String id = WebhookRequests.webhookId(ctx);
      String status = ctx.queryParams().get("status");
      if (status != null && !STATUSES.contains(status)) {
        throw ApiException.badRequest("bad_status", "status must be one of " + STATUSES);
      }
      String type = ctx.queryParams().get("eventType");
      if (type != null && !EventTypes.isKnown(type)) {
        throw ApiException.badRequest("bad_event_type", "eventType must be one of " + EventTypes.ALL);
      }
      String cursor = ctx.queryParams().get("cursor");
      return new DeliveryQuery(id, status, type, cursor == null ? null : positiveLong(cursor, "bad_cursor",
          "cursor must be the 'next' of the previous page"), WebhookRequests.limit(ctx));
    }
  }

  static String webhookId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !WEBHOOK_ID.matcher(id).matches()) {
      throw ApiException.badRequest("bad_id", "webhook id must be wh_ + 16 hex digits");
    }
    return id;
  }

  static long deliveryId(RoutingContext ctx) {
    return positiveLong(ctx.pathParam("deliveryId"), "bad_delivery_id", "delivery id must be a positive integer");
  }

  static String url(Object value) {
    if (!(value instanceof String s) || s.isBlank()) throw invalidUrl("url is required");
    if (s.length() > MAX_URL_CHARS) throw invalidUrl("url must be at most " + MAX_URL_CHARS + " characters");
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw invalidUrl("url is not a valid URI: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) throw invalidUrl("url must be http:// or https://");
    if (uri.getHost() == null || uri.getHost().isEmpty()) throw invalidUrl("url must name a host");
    // credentials in a URL would be stored and listed in clear; the signature is what authenticates us
    if (uri.getRawUserInfo() != null) throw invalidUrl("url must not contain user:password@");
    if (uri.getRawFragment() != null) throw invalidUrl("url must not contain a #fragment");
    return s;
  }

  private static ApiException invalidUrl(String message) {
    return ApiException.badRequest("invalid_url", message);
  }

  private static String description(Object value) {
    if (value == null) return "";
    if (!(value instanceof String s) || s.length() > MAX_DESCRIPTION_CHARS) {
      throw ApiException.badRequest("bad_description", "description must be a string of at most "
          + MAX_DESCRIPTION_CHARS + " characters");
    }
    return s;
  }

  private static List<String> events(Object value) {
    if (value == null) return List.of();
    if (!(value instanceof JsonArray array)) throw badEvents();
    List<String> out = new ArrayList<>();
    for (Object e : array) {
      if (!(e instanceof String type) || !EventTypes.isKnown(type)) throw badEvents();
      if (!out.contains(type)) out.add(type);
    }
    return out;
  }

  private static ApiException badEvents() {
    return ApiException.badRequest("invalid_events", "events must be a list of " + EventTypes.ALL);
  }

  private static int limit(RoutingContext ctx) {
    String limit = ctx.queryParams().get("limit");
    if (limit == null) return DEFAULT_PAGE;
    long n = positiveLong(limit, "bad_limit", "limit must be 1.." + MAX_PAGE);
    if (n > MAX_PAGE) throw ApiException.badRequest("bad_limit", "limit must be 1.." + MAX_PAGE);
    return (int) n;
  }

  private static long positiveLong(String s, String code, String message) {
    try {
      long n = Long.parseLong(s);
      if (n >= 1) return n;
    } catch (NumberFormatException | NullPointerException e) {
      // fall through
    }
    throw ApiException.badRequest(code, message);
  }
}
