package io.ipchls.kit.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every service's router shares: the one JSON failure handler and the JSON 404. */
public final class Routes {
  private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

  private Routes() {}

  /** The request body (read by a BodyHandler) as a JSON object, or a 400 {@code bad_json}. */
  public static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) throw ApiException.badRequest("bad_json", "a JSON object body is required");
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw ApiException.badRequest("bad_json", "the body is not a JSON object");
    }
  }

  /**
   * Ends the response with {@code body}, its length stated in {@code Content-Length}: Vert.x leaves that header out
   * of a HEAD answer unless it is set explicitly, and a service that answers HEAD by routing it as a GET
   * (playlist-service) must send GET's headers.
   */
  public static Future<Void> end(HttpServerResponse response, String body) {
    Buffer bytes = Buffer.buffer(body);
    return end(response, bytes);
  }

  /** {@link #end(HttpServerResponse, String)} for bytes. */
  public static Future<Void> end(HttpServerResponse response, Buffer body) {
    return response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end(body);
  }

  /** Installs the JSON error body for failures and unknown routes. Call after all routes are added. */
  public static void installErrorHandling(Router router) {
    router.route().last().handler(ctx -> ctx.fail(ApiException.notFound("no such resource: " + ctx.request().path())));
    router.route().failureHandler(Routes::writeError);
  }

  public static void writeError(RoutingContext ctx) {
    Throwable f = ctx.failure();
    int status;
    String code;
    String message;
    if (f instanceof ApiException api) {
      status = api.status();
      code = api.code();
      message = api.getMessage();
    } else if (f instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      status = 409;
      code = "conflict";
      message = "already exists";
    } else if (f == null) {
      status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      code = status == 413 ? "too_large" : status < 500 ? "bad_request" : "internal";
      message = status == 413 ? "request body too large" : "request failed with status " + status;
    } else {
      status = 500;
      code = "internal";
      message = "internal error";
      LOG.error("unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), f);
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    end(ctx.response().setStatusCode(status).putHeader("content-type", "application/json"),
        new JsonObject().put("error", code).put("message", message).encode());
  }
}
