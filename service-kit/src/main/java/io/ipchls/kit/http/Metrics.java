package io.ipchls.kit.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.RoutingContext;

/** One Prometheus registry per service instance, scraped at {@code GET /metrics}. */
public final class Metrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void handle(RoutingContext ctx) {
    Routes.end(ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8"), registry.scrape());
  }
}
