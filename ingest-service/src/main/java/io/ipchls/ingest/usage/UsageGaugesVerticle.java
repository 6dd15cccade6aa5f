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
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code intervalSeconds}: rolls every camera's running counters into today's usage row, byte-hours accrued up
 * to now (also of cameras that record nothing; V39 {@code roll_usage_days}), in paced chunks that pass by the cameras
 * being written at that moment (V47, {@link #rollAll}), then reads this month's usage into the
 * Prometheus gauges at {@code /metrics}: the fleet's totals ({@code ipchls_usage_fleet_*}), and per camera
 * ({@code ipchls_usage_*{camera=...}}) for the {@value #MAX_CAMERA_SERIES} cameras storing the most (one series per
 * camera and figure; a larger fleet reads the rest from the usage API). From the database, so every instance shows
 * the same values. A camera's gauges are registered once and read the latest figures; only cameras leaving the set
 * are removed.
 */
public final class UsageGaugesVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(UsageGaugesVerticle.class);
  /** The next chunk of cameras after {@code $1} (at most {@code $2}): day rows written, last camera (null: done). */
  static final String ROLL = "SELECT rolled, last_camera FROM ingest.roll_usage_days($1, $2)";
  /**
   * Cameras rolled per transaction. A camera's indexing batch waits for at most one chunk's update; one transaction
   * for a whole fleet held every counters row for seconds (docs/PERFORMANCE.md, "Ingest", *The usage roll*).
   */
  static final int ROLL_CHUNK = 500;
  /**
   * After each chunk the roll pauses this many times as long as the chunk took: a fleet's roll is spread out rather
   * than taking a core of PostgreSQL's at once (docs/PERFORMANCE.md, "Ingest", *The usage roll*).
   */
  static final int PAUSE_PER_CHUNK_TIME = 3;
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
    long began = System.nanoTime();
    return rollAll(vertx, pool, ROLL_CHUNK).compose(rolled -> {
      long rolledAt = System.nanoTime();
      LOG.debug("usage roll: {} day rows written in {} ms", rolled, (rolledAt - began) / 1_000_000);
      return reader.period(first, first.plusMonths(1)).onSuccess(cameras -> LOG.debug(
          "usage read: {} cameras' month in {} ms", cameras.size(), (System.nanoTime() - rolledAt) / 1_000_000));
    }).map(cameras -> {
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

  /**
   * Rolls every camera with something to roll, {@code chunk} cameras per call of V47's {@code roll_usage_days}, each
   * call its own transaction, in camera order, pausing {@value #PAUSE_PER_CHUNK_TIME} times as long as each call
   * took before the next; returns how many day rows were written. A camera that an indexing batch or retention holds
   * when its chunk comes is passed by and rolled next time (until then every reader adds it to today, V39).
   */
  static Future<Integer> rollAll(Vertx vertx, SqlClient client, int chunk) {
    return rollFrom(vertx, client, "", chunk);
  }

  /** {@link #rollAll} of the cameras whose ids sort after {@code after} only. */
  static Future<Integer> rollFrom(Vertx vertx, SqlClient client, String after, int chunk) {
    long began = System.nanoTime();
    return client.preparedQuery(ROLL).execute(Tuple.of(after, chunk)).compose(rows -> {
      Row row = rows.iterator().next();
      String last = row.getString("last_camera");
      int rolled = row.getInteger("rolled");
      if (last == null) return Future.succeededFuture(rolled);
      long pauseMs = Math.max(1, PAUSE_PER_CHUNK_TIME * (System.nanoTime() - began) / 1_000_000);
      return vertx.timer(pauseMs).compose(t -> rollFrom(vertx, client, last, chunk)).map(rest -> rolled + rest);
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
