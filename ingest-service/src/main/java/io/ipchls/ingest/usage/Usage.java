package io.ipchls.ingest.usage;

import io.ipchls.ingest.shared.IngestPools;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * The usage sub-domain as ingest-service deploys it: the gauges job (byte-hours accrual and the Prometheus figures)
 * and the admin API's handlers made on the HTTP verticle's pool. The counters themselves move in the indexing and
 * retention statements (V39__usage_metering.sql).
 */
public final class Usage {
  private final UsageConfig config;
  private final IngestPools pools;
  private final MeterRegistry registry;

  public Usage(UsageConfig config, IngestPools pools, MeterRegistry registry) {
    this.config = config;
    this.pools = pools;
    this.registry = registry;
  }

  public Future<String> deploy(Vertx vertx) {
    return vertx.deployVerticle(new UsageGaugesVerticle(pools, registry, config.prices(),
        config.metricsIntervalSeconds()));
  }

  public UsageHandlers handlers(Pool pool) {
    return new UsageHandlers(pool, config.prices());
  }
}
