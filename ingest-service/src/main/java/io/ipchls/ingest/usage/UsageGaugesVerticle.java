package io.ipchls.ingest.usage;

import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.kit.jobs.PeriodicJob;
import io.ipchls.kit.usage.CameraUsage;
import io.ipchls.kit.usage.CostEstimate;
import io.ipchls.kit.usage.UsagePrices;
import io.ipchls.kit.usage.UsageReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Every {@code intervalSeconds}: rolls every camera's running counters into today's usage row, byte-hours accrued up
 * to now (also of cameras that record nothing; V39 {@code roll_usage_days}), then reads this month's usage of every
 * camera into the Prometheus gauges
 * ({@code ipchls_usage_*{camera=...}} at {@code /metrics}): one series per camera and figure, cluster-wide figures from
 * the database, so every instance shows the same values.
 */
public final class UsageGaugesVerticle extends VerticleBase {
  static final String ROLL = "SELECT ingest.roll_usage_days()";

  private final IngestPools pools;
  private final MeterRegistry registry;
  private final UsagePrices prices;
  private final long intervalMs;
  private final List<Gauge> gauges = new ArrayList<>();
  private Pool pool;
  private UsageReader reader;
  private PeriodicJob<Integer> job;

  private record Gauge(MultiGauge gauge, ToDoubleFunction<Figures> value) {}

  private record Figures(CameraUsage usage, CostEstimate cost) {}

  public UsageGaugesVerticle(IngestPools pools, MeterRegistry registry, UsagePrices prices, int intervalSeconds) {
    this.pools = pools;
    this.registry = registry;
    this.prices = prices;
    this.intervalMs = intervalSeconds * 1000L;
  }

  @Override
  public Future<?> start() {
    pool = pools.open(vertx, "usage", 1);
    reader = new UsageReader(pool);
    gauge("ipchls.usage.stored.bytes", "bytes stored now (index rows' sizes)", f -> f.usage().storedBytes());
    gauge("ipchls.usage.stored.objects", "objects stored now (segments and init segments)",
        f -> f.usage().storedObjects());
    gauge("ipchls.usage.month.puts", "objects written this month (UTC)", f -> f.usage().puts());
    gauge("ipchls.usage.month.deletes", "objects deleted this month", f -> f.usage().deletes());
    gauge("ipchls.usage.month.byte.hours", "byte-hours stored this month", f -> f.usage().byteHours());
    gauge("ipchls.usage.month.playback.requests", "playlists and segments asked for this month",
        f -> f.usage().playbackRequests());
    gauge("ipchls.usage.month.bytes.served", "bytes served to viewers this month", f -> f.usage().bytesServed());
    gauge("ipchls.usage.month.cost.estimate", "this month's cost extrapolated from the month so far, in "
        + prices.currency(), f -> f.cost().monthEstimate());
    job = PeriodicJob.onEveryInstance(vertx, "usage-gauges", intervalMs, this::refresh).start(/* firstDelayMs= */ 1);
    return Future.succeededFuture();
  }

  private void gauge(String name, String description, ToDoubleFunction<Figures> value) {
    gauges.add(new Gauge(MultiGauge.builder(name).description(description).register(registry), value));
  }

  /** Rolls, reads, and replaces every gauge's rows; returns how many cameras. */
  Future<Integer> refresh() {
    LocalDate first = YearMonth.from(UsageReader.today()).atDay(1);
    return pool.query(ROLL).execute().compose(x -> reader.period(first, first.plusMonths(1))).map(cameras -> {
      Instant now = Instant.now();
      YearMonth month = YearMonth.from(first);
      List<Figures> figures = cameras.stream().map(u -> new Figures(u, u.cost(prices, month, now))).toList();
      for (Gauge g : gauges) {
        g.gauge().register(figures.stream().map(f -> MultiGauge.Row.of(Tags.of("camera", f.usage().cameraId()),
            g.value().applyAsDouble(f))).toList(), /* overwrite= */ true);
      }
      return cameras.size();
    });
  }

  @Override
  public Future<?> stop() {
    Future<Void> ended = job == null ? Future.succeededFuture() : job.stop();
    return ended.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
