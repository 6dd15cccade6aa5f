package io.ipchls.kit.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /health}: 200 with {@code {"status":"UP", "checks":{...}}} when every dependency check passes, else 503
 * with the failing checks named.
 */
public final class Health {
  private final Map<String, Supplier<Future<?>>> checks = new LinkedHashMap<>();

  public Health check(String name, Supplier<Future<?>> check) {
    checks.put(name, check);
    return this;
  }

  /** Check {@code db}: the pool answers a trivial query. */
  public Health database(Pool pool) {
    return check("db", () -> pool.query("SELECT 1").execute());
  }

  /** Check {@code mqtt}: the service's broker link is up. */
  public Health mqtt(BooleanSupplier connected) {
    return check("mqtt", () -> connected.getAsBoolean()
        ? Future.succeededFuture() : Future.failedFuture("not connected"));
  }

  public void handle(RoutingContext ctx) {
    evaluate().onComplete(ar -> {
      JsonObject body = ar.result();
      boolean up = "UP".equals(body.getString("status"));
      Routes.end(ctx.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json"),
          body.encode());
    });
  }

  /** Runs every check: {@code {"status": "UP"|"DOWN", "checks": {name: "UP" | "DOWN: reason"}}}; never fails. */
  public Future<JsonObject> evaluate() {
    JsonObject results = new JsonObject();
    var futures = checks.entrySet().stream().map(e -> {
      Future<?> f;
      try {
        f = e.getValue().get();
      } catch (RuntimeException ex) {
        f = Future.failedFuture(ex);
      }
      return f.map(x -> results.put(e.getKey(), "UP"))
          .otherwise(ex -> results.put(e.getKey(), "DOWN: " + ex.getMessage()));
    }).toList();
    return Future.join(futures).transform(x -> {
      boolean up = results.stream().allMatch(en -> "UP".equals(en.getValue()));
      return Future.succeededFuture(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", results));
    });
  }
}
