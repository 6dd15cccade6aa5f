package io.ipchls.ingest.usage;

import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.kit.jobs.PeriodicJob;
import io.ipchls.kit.usage.CameraUsage;
import io.ipchls.kit.usage.UsagePrices;
import io.ipchls.kit.usage.UsageReader;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@code intervalSeconds}: rolls every camera's running counters into today's usage row, byte-hours accrued up
 * to now (also of cameras that record nothing; V39 {@code roll_usage_days}), then reads this month's usage into the
 * Prometheus gauges at {@code /metrics}: the fleet's totals ({@code ipchls_usage_fleet_*}), and per camera
 * ({@code ipchls_usage_*{camera=...}}) for the {@value #MAX_CAMERA_SERIES} cameras storing the most (one series per
 * camera and figure; a larger fleet reads the rest from the usage API). From the database, so every instance shows
 * the same values. A camera's gauges are registered once and read the latest figures; only cameras leaving the set
 * are removed.
 */
public final class UsageGaugesVerticle extends VerticleBase {
  static final String ROLL = "SELECT ingest.roll_usage_days()";
  /** Cameras with their own series: beyond this, per-camera series would swamp Prometheus. */
  static final int MAX_CAMERA_SERIES = 1000;
  private static final String[] NAMES = {"ipchls.usage.stored.bytes", "ipchls.usage.stored.objects",
      "ipchls.usage.month.puts", "ipchls.usage.month.deletes", "ipchls.usage.month.byte.hours",
      "ipchls.usage.month.playback.requests", "ipchls.usage.month.bytes.served", "ipchls.usage.month.cost.estimate"};
  private static final String[] DESCRIPTIONS = {"bytes stored now (index rows' sizes)",
      "objects stored now (segments and init segments)", "objects written this month (UTC)",
      "objects deleted this month", "byte-hours stored this month", "playlists and segments asked for this month",
      "bytes served to viewers this month", "this month's cost extrapolated from the month so far"};
  private static final String TOTAL = "";

  private final IngestPools pools;
  private final MeterRegistry registry;
  private final UsagePrices prices;
  private final long intervalMs;
  /** The latest figures, by camera id ({@link #TOTAL} for the fleet), in the order of {@link #NAMES}. */
  private final Map<String, double[]> figures = new ConcurrentHashMap<>();
  private final Map<String, List<Meter>> meters = new HashMap<>();
  private Pool pool;
  private UsageReader reader;
  private PeriodicJob<Integer> job;

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
    figures.put(TOTAL, new double[NAMES.length]);
    for (int i = 0; i < NAMES.length; i++) {
      int at = i;
      Gauge.builder(NAMES[i].replace("ipchls.usage.", "ipchls.usage.fleet."), figures, f -> f.getOrDefault(TOTAL, new double[NAMES.length])[at])
          .description(DESCRIPTIONS[i] + ", all cameras").register(registry);
    }
    job = PeriodicJob.onEveryInstance(vertx, "usage-gauges", intervalMs, this::refresh).start(/* firstDelayMs= */ 1);
    return Future.succeededFuture();
  }

  /** Rolls, reads, and updates the gauges; returns how many cameras. */
  Future<Integer> refresh() {
    LocalDate first = YearMonth.from(UsageReader.today()).atDay(1);
    return pool.query(ROLL).execute().compose(x -> reader.period(first, first.plusMonths(1))).map(cameras -> {
      Instant now = Instant.now();
      YearMonth month = YearMonth.from(first);
      figures.put(TOTAL, values(CameraUsage.total(cameras), month, now));
      List<CameraUsage> largest = new ArrayList<>(cameras);
      largest.sort(Comparator.comparingLong(CameraUsage::storedBytes).reversed());
      if (largest.size() > MAX_CAMERA_SERIES) largest = largest.subList(0, MAX_CAMERA_SERIES);
      Map<String, double[]> shown = new HashMap<>();
      for (CameraUsage u : largest) shown.put(u.cameraId(), values(u, month, now));
      for (String gone : new ArrayList<>(meters.keySet())) {
        if (!shown.containsKey(gone)) {
          meters.remove(gone).forEach(registry::remove);
          figures.remove(gone);
        }
      }
      shown.forEach((camera, v) -> {
        figures.put(camera, v);
        meters.computeIfAbsent(camera, this::register);
      });
      return cameras.size();
    });
  }

  private List<Meter> register(String camera) {
    List<Meter> out = new ArrayList<>(NAMES.length);
    for (int i = 0; i < NAMES.length; i++) {
      int at = i;
      out.add(Gauge.builder(NAMES[i], figures, f -> {
        double[] v = f.get(camera);
        return v == null ? Double.NaN : v[at];
      }).description(DESCRIPTIONS[i]).tag("camera", camera).register(registry));
    }
    return out;
  }

  private double[] values(CameraUsage u, YearMonth month, Instant now) {
    return new double[] {u.storedBytes(), u.storedObjects(), u.puts(), u.deletes(), u.byteHours(),
        u.playbackRequests(), u.bytesServed(), u.cost(prices, month, now).monthEstimate()};
  }

  @Override
  public Future<?> stop() {
    Future<Void> ended = job == null ? Future.succeededFuture() : job.stop();
    return ended.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
