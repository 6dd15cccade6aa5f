package io.ipchls.bench.ingest;

import io.ipchls.bench.Latencies;
import io.ipchls.infra.EmbeddedPostgres;
import io.ipchls.infra.ScratchDir;
import io.ipchls.ingest.IngestConfig;
import io.ipchls.ingest.IngestService;
import io.ipchls.ingest.indexing.SegmentRepository;
import io.ipchls.ingest.indexing.SegmentRow;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentsIndexed;
import io.ipchls.protocol.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sustained segment notifications per second from MQTT publish (QoS 1) to committed row, with PostgreSQL, the broker,
 * ingest-service and the publishers on this one machine; in the same run the raw PostgreSQL rate of the same rows
 * through the same statement without MQTT, and the ratio. Latency is publish → commit, observed through the
 * {@code segments.indexed} event ingest publishes after each commit. CPU is split per part (see {@link CpuShares}).
 * Afterwards, on the same broker, {@link BrokerPassThrough} measures what the broker alone carries at the same rate,
 * for the ratio end-to-end / pass-through (skip it with {@code --no-pass-through}).
 *
 * <pre>bench/run ingest.IngestThroughput --rate 25000 --seconds 30 [--broker mosquitto]</pre>
 */
@Command(name = "IngestThroughput", mixinStandardHelpOptions = true)
public final class IngestThroughput implements Callable<Integer> {
  /** ingest's admin token here: its /metrics answers only with it. */
  static final String ADMIN_TOKEN = "bench-admin-token";
  @Option(names = "--rate", description = "target notifications per second (default ${DEFAULT-VALUE})")
  int rate = 25_000;
  @Option(names = "--seconds", description = "measured seconds, after the warm-up (default ${DEFAULT-VALUE})")
  int seconds = 30;
  @Option(names = "--warmup", description = "warm-up seconds (default ${DEFAULT-VALUE})")
  int warmup = 10;
  @Option(names = "--cameras", description = "distinct cameras (default ${DEFAULT-VALUE})")
  int cameras = 60_000;
  @Option(names = "--publishers", description = "publishing MQTT connections (default ${DEFAULT-VALUE})")
  int publishers = 8;
  @Option(names = "--broker", description = "embedded (HiveMQ CE) or mosquitto (Debian's, started here)")
  String broker = "embedded";
  @Option(names = "--batch-max", description = "ingest batchMaxSize (default ${DEFAULT-VALUE})")
  int batchMax = 1000;
  @Option(names = "--batch-linger-ms", description = "ingest batchLingerMs (default: the product's, ${DEFAULT-VALUE})")
  int batchLingerMs = IngestConfig.BATCH_LINGER_MS.defaultValue();
  @Option(names = "--write-concurrency", description = "ingest writeConcurrency (default ${DEFAULT-VALUE})")
  int writeConcurrency = 2;
  @Option(names = "--mqtt-connections", description = "ingest mqttConnections (default ${DEFAULT-VALUE})")
  int mqttConnections = 4;
  @Option(names = "--no-pass-through", negatable = true, description = "also measure the broker alone in the same run "
      + "(BrokerPassThrough, same rate, publishers and connections) for the ratio end-to-end / pass-through "
      + "(default ${DEFAULT-VALUE})")
  boolean passThrough = true;
  @Option(names = "--raw-rows", description = "rows for the raw PostgreSQL comparison (default ${DEFAULT-VALUE})")
  int rawRows = 300_000;
  @Option(names = "--statements", description = "print the N statements PostgreSQL spent most time in during the "
      + "measured end-to-end seconds, nested ones included (pg_stat_statements; 0: off, default ${DEFAULT-VALUE})")
  int statements = 0;
  @Option(names = "--usage-interval", description = "ingest's usage.metricsIntervalSeconds: how often it rolls every "
      + "camera's usage counters into the day's row (default: the product's, ${DEFAULT-VALUE})")
  int usageInterval = io.ipchls.ingest.usage.UsageConfig.DEFAULT_METRICS_INTERVAL_SECONDS;
  @Option(names = "--pg-set", description = "a PostgreSQL setting for the run, NAME=VALUE (ALTER SYSTEM before the "
      + "server starts; repeatable), e.g. --pg-set shared_buffers=1GB")
  Map<String, String> pgSettings = new LinkedHashMap<>();
  @Option(names = "--sql", description = "a statement run once ingest has migrated its schema, before the warm-up "
      + "(repeatable; to measure a schema change, e.g. --sql 'DROP INDEX ingest.segments_object_key')")
  List<String> sql = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new IngestThroughput()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    // the directory is deleted after the servers in it have stopped (resources close in reverse order)
    try (ScratchDir dir = ScratchDir.create("ingest-bench-");
        EmbeddedPostgres pg = startPostgres(dir.resolve("postgres"));
        MqttServer mqtt = MqttServer.start(broker, dir.resolve("mqtt"))) {
      Path pgDir = dir.resolve("postgres");
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
      try {
        return run(vertx, pg, pgDir, mqtt);
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  private int run(Vertx vertx, EmbeddedPostgres pg, Path pgDir, MqttServer mqtt) throws Exception {
    DbConfig db = new DbConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        writeConcurrency + 2);
    JsonObject cfg = IngestConfig.defaults();
    cfg.put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0)).put("db", db.toJson())
        .put("mqtt", new JsonObject().put("host", "127.0.0.1").put("port", mqtt.port()).put("username", "ingest")
            .put("password", "bench"))
        .put("instanceId", "bench").put("batchMaxSize", batchMax).put("batchLingerMs", batchLingerMs)
        .put("writeConcurrency", writeConcurrency)
        .put("mqttConnections", mqttConnections).put("adminToken", ADMIN_TOKEN);
    cfg.getJsonObject("usage").put("metricsIntervalSeconds", usageInterval);
    IngestConfig config = IngestConfig.fromJson(cfg);
    int httpPort = IngestService.start(vertx, config).await(60, TimeUnit.SECONDS).httpPort();
    Pool pool = Database.pool(vertx, db);
    for (String statement : sql) {
      System.out.println("before the warm-up: " + statement);
      pool.query(statement).execute().await(600, TimeUnit.SECONDS);
    }
    CpuShares cpu = new CpuShares(mqtt.pid(), pgDir, "ingest+publishers JVM");

    String[] ids = new String[cameras];
    for (int i = 0; i < cameras; i++) ids[i] = "cam-" + i;
    AtomicLongArray publishedAt = new AtomicLongArray(cameras);
    Latencies latencies = new Latencies(10_000_000);
    SeenLatency commits = new SeenLatency(publishedAt, latencies);
    vertx.eventBus().<JsonObject>localConsumer(ClusterNames.SEGMENTS_INDEXED, m -> {
      long now = System.nanoTime();
      for (String committed : ClusterMessages.fromJson(m.body(), SegmentsIndexed.class).cameras()) {
        commits.seen(Integer.parseInt(committed.substring(4)), now);
      }
    }).completion().await(10, TimeUnit.SECONDS);

    Publishers pubs = Publishers.start(vertx, mqtt.port(), "bench-pub-", publishers, ids,
        cam -> Topics.segments(ids[cam]), publishedAt, rate);
    System.out.println("load average before: " + CpuShares.loadAverage());
    System.out.printf("warming up %d s at %d/s (%d cameras, %d connections, broker %s)%n", warmup, rate, cameras,
        publishers, mqtt.name());
    Thread.sleep(warmup * 1000L);
    long rows0 = count(pool);
    long pub0 = pubs.published();
    if (statements > 0) {
      pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await(60, TimeUnit.SECONDS);
      pool.query("SELECT pg_stat_statements_reset()").execute().await(60, TimeUnit.SECONDS);
    }
    cpu.mark();
    long[] wal0 = wal(pool);
    commits.measuring(true);
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long rows1 = count(pool);
    long pub1 = pubs.published();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    commits.measuring(false);
    CpuShares.Split split = cpu.split();
    long[] wal1 = wal(pool);
    List<String> topStatements = statements > 0 ? topStatements(pool, statements) : List.of();
    pubs.stop();
    double published = (pub1 - pub0) / elapsed;
    double committed = (rows1 - rows0) / elapsed;

    String loadDuring = CpuShares.loadAverage();
    // the raw phases, each with PostgreSQL's CPU while it ran; ingest first works off what the broker still holds,
    // so that nothing else writes meanwhile
    if (!drain(pool)) {
      System.out.println("ingest was still committing a minute after the publishers stopped: the raw phases below "
          + "share PostgreSQL with it");
    }
    RawPhase rawPhase =
        rawRate(pool, config, cpu, "raw-", (repo, rows) -> repo.insertAndApplyGapRule(rows).mapEmpty());
    RawPhase plainPhase = rawRate(pool, config, cpu, "plain-", (repo, rows) -> plainInsert(pool, rows));
    double raw = rawPhase.rowsPerSecond();
    double plain = plainPhase.rowsPerSecond();
    CpuShares.Split rawSplit = rawPhase.cpu();
    CpuShares.Split plainSplit = plainPhase.cpu();
    System.out.println();
    System.out.printf("broker %s, %d cameras, target %d/s, %d publisher connections, ingest with %d MQTT "
        + "connection(s), %.0f s measured%n", mqtt.name(), cameras, rate, publishers, mqttConnections, elapsed);
    System.out.printf("  published         %,10.0f notifications/s%n", published);
    System.out.printf("  committed rows    %,10.0f rows/s  (MQTT publish -> committed row)%n", committed);
    System.out.printf("  raw PostgreSQL    %,10.0f rows/s  (same rows, same index_segments statement, %d at once)%n",
        raw, writeConcurrency);
    System.out.printf("  plain INSERT      %,10.0f rows/s  (same rows, unnest into segments only, no recordings)%n",
        plain);
    System.out.printf("  ratio             %10.2f  (end-to-end / raw PostgreSQL), raw / plain %.2f%n",
        committed / raw, raw / plain);
    System.out.printf("  publish -> commit %s%n", latencies.summary());
    System.out.printf("  CPU (of %d cores) %s%n", Runtime.getRuntime().availableProcessors(), split);
    double e2eUs = CpuShares.microsPerRow(split.postgres(), committed);
    double rawUs = CpuShares.microsPerRow(rawSplit.postgres(), raw);
    double plainUs = CpuShares.microsPerRow(plainSplit.postgres(), plain);
    System.out.printf("  PostgreSQL CPU per row: end-to-end %.1f us (%.2f cores), raw index_segments %.1f us "
        + "(%.2f cores), plain INSERT %.1f us (%.2f cores); raw / plain %.2f, end-to-end / raw %.2f%n",
        e2eUs, split.postgres(), rawUs, rawSplit.postgres(), plainUs, plainSplit.postgres(), rawUs / plainUs,
        e2eUs / rawUs);
    System.out.printf("  PostgreSQL's cores by process: end-to-end %s; raw %s; plain %s%n", split.postgresKinds(),
        rawSplit.postgresKinds(), plainSplit.postgresKinds());
    long walRows = rows1 - rows0;
    System.out.printf("  PostgreSQL WAL per committed row: %,.0f bytes, %.2f full-page images; %d checkpoint(s) "
        + "(%d requested by WAL volume) in the measured seconds%n", (double) (wal1[0] - wal0[0]) / walRows,
        (double) (wal1[1] - wal0[1]) / walRows, wal1[2] + wal1[3] - wal0[2] - wal0[3], wal1[3] - wal0[3]);
    if (!topStatements.isEmpty()) {
      System.out.println("  PostgreSQL's time in the measured seconds by statement (nested included, so parts overlap):");
      topStatements.forEach(line -> System.out.println("    " + line));
    }
    System.out.println("  ingest: " + ingestMetrics(httpPort));
    System.out.println("  busiest JVM threads (CPU s since start): " + top(cpu.threadSeconds()));
    System.out.println("  load average at the end of the end-to-end run: " + loadDuring + ", now "
        + CpuShares.loadAverage());
    if (passThrough) passThrough(vertx, mqtt, committed);
    return 0;
  }

  /**
   * The broker alone on the same broker, after the end-to-end run (whatever ingest has not yet worked off is still in
   * the broker then), and the ratio end-to-end / pass-through.
   */
  private void passThrough(Vertx vertx, MqttServer mqtt, double committed) {
    System.out.println();
    BrokerPassThrough.Result broker;
    try {
      broker = BrokerPassThrough.measure(vertx, mqtt,
          new BrokerPassThrough.Settings(rate, seconds, warmup, cameras, publishers, mqttConnections, 0));
    } catch (Exception e) {
      System.out.println("broker pass-through could not be measured on " + mqtt.name() + ": " + e);
      return;
    }
    broker.print();
    System.out.println("  load average: " + CpuShares.loadAverage());
    System.out.printf("end-to-end %,.0f rows/s / broker pass-through %,.0f msg/s (same broker, same run) = %.2f%n",
        committed, broker.delivered(), committed / broker.delivered());
  }

  private static String top(Map<String, Double> bySeconds) {
    return bySeconds.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(8)
        .map(e -> String.format("%s %.1f", e.getKey(), e.getValue())).toList().toString();
  }

  /** ingest's own counters, from its /metrics. */
  private static String ingestMetrics(int port) throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/metrics")).header("Authorization", "Bearer " + ADMIN_TOKEN).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return body.lines().filter(l -> l.startsWith("segments_") && !l.startsWith("segments_batch_size_max")
        && !l.contains("_bucket{"))
        .map(l -> l.replace("_total", "")).toList().toString();
  }

  private EmbeddedPostgres startPostgres(Path pgDir) throws Exception {
    Map<String, String> settings = new LinkedHashMap<>(pgSettings);
    if (statements > 0) settings.putAll(STATEMENT_STATISTICS);
    if (!settings.isEmpty()) alterSystem(pgDir, settings);
    return EmbeddedPostgres.start(pgDir, 0);
  }

  /** pg_stat_statements loaded, tracking statements inside functions too. */
  static final Map<String, String> STATEMENT_STATISTICS = Map.of("shared_preload_libraries", "pg_stat_statements",
      "pg_stat_statements.track", "all", "pg_stat_statements.track_planning", "on");

  /**
   * Writes {@code settings} into the cluster in {@code pgDir} (ALTER SYSTEM, kept in postgresql.auto.conf): one start
   * to write them, the server then started again by the caller.
   */
  static void alterSystem(Path pgDir, Map<String, String> settings) throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(pgDir, 0);
        var c = java.sql.DriverManager.getConnection(
            "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres", pg.user(), pg.password());
        var st = c.createStatement()) {
      for (var e : settings.entrySet()) {
        if (!e.getKey().matches("[a-z_.]+")) throw new IllegalArgumentException("not a setting's name: " + e.getKey());
        // a utility statement takes no parameters: the value as a quoted literal
        st.execute("ALTER SYSTEM SET " + e.getKey() + " = '" + e.getValue().replace("'", "''") + "'");
      }
    }
  }

  /** The {@code n} statements with the most execution time since the last reset, one line each. */
  private static List<String> topStatements(Pool pool, int n) throws Exception {
    var rows = pool.preparedQuery("SELECT calls, rows, total_exec_time + total_plan_time, "
        + "100 * total_exec_time / nullif(sum(total_exec_time) FILTER (WHERE toplevel) OVER (), 0), "
        + "round(total_plan_time) || ' ms of it planning: ' || regexp_replace(left(query, 140), '\\s+', ' ', 'g') "
        + "FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1")
        .execute(Tuple.of(n)).await(60, TimeUnit.SECONDS);
    List<String> lines = new ArrayList<>();
    for (var r : rows) {
      lines.add(String.format("%9.0f ms %5.1f %% of top-level, %,8d calls, %,10d rows: %s", r.getDouble(2),
          r.getDouble(3) == null ? 0 : r.getDouble(3), r.getLong(0), r.getLong(1), r.getString(4)));
    }
    return lines;
  }

  /** WAL bytes and full-page images written since the server started, and its timed and requested checkpoints. */
  private static long[] wal(Pool pool) throws Exception {
    var row = pool.query("SELECT w.wal_bytes::bigint, w.wal_fpi, c.num_timed, c.num_requested "
        + "FROM pg_stat_wal w, pg_stat_checkpointer c").execute().await(60, TimeUnit.SECONDS).iterator().next();
    return new long[] {row.getLong(0), row.getLong(1), row.getLong(2), row.getLong(3)};
  }

  private static long count(Pool pool) throws Exception {
    return pool.query("SELECT count(*) FROM ingest.segments").execute().await(60, TimeUnit.SECONDS)
        .iterator().next().getLong(0);
  }

  /** How a comparison writes one batch. */
  private interface Writer {
    Future<Void> write(SegmentRepository repo, List<SegmentRow> rows);
  }

  /**
   * Waits (at most a minute) until ingest has committed what the broker still held: the row count stands still.
   * Returns whether it did.
   */
  private static boolean drain(Pool pool) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long before = count(pool);
    while (System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      long now = count(pool);
      if (now == before) return true;
      before = now;
    }
    return false;
  }

  /** A raw phase: its rate, and the CPU of each part while its writes ran. */
  private record RawPhase(double rowsPerSecond, CpuShares.Split cpu) {}

  /**
   * The same kind of rows (new cameras named {@code prefix<n>}), written in batches of {@code --batch-max} with
   * {@code --write-concurrency} writes at once, as fast as the database takes them.
   */
  private RawPhase rawRate(Pool pool, IngestConfig config, CpuShares cpu, String prefix, Writer writer)
      throws Exception {
    var repo = new SegmentRepository(pool, config.indexing().gapRule());
    long start = System.currentTimeMillis() - 3_600_000;
    List<List<SegmentRow>> batches = new ArrayList<>();
    List<SegmentRow> batch = new ArrayList<>(batchMax);
    for (int i = 0; i < rawRows; i++) {
      String cam = prefix + (i % cameras);
      long at = start + (i / cameras) * 3_000L;
      batch.add(SegmentRow.of(cam, notification(cam, at, i)));
      if (batch.size() == batchMax) {
        batches.add(batch);
        batch = new ArrayList<>(batchMax);
      }
    }
    if (!batch.isEmpty()) batches.add(batch);
    AtomicLong next = new AtomicLong();
    cpu.mark();
    long t0 = System.nanoTime();
    List<Future<?>> lanes = new ArrayList<>();
    for (int l = 0; l < writeConcurrency; l++) lanes.add(lane(repo, writer, batches, next));
    Future.all(lanes).await(600, TimeUnit.SECONDS);
    double rate = rawRows / ((System.nanoTime() - t0) / 1e9);
    return new RawPhase(rate, cpu.split());
  }

  private static Future<Void> lane(SegmentRepository repo, Writer writer, List<List<SegmentRow>> batches,
      AtomicLong next) {
    int i = (int) next.getAndIncrement();
    if (i >= batches.size()) return Future.succeededFuture();
    return writer.write(repo, batches.get(i)).compose(x -> lane(repo, writer, batches, next));
  }

  /** A plain multi-row INSERT of the same columns, without the recordings: what the index costs at the least. */
  private static Future<Void> plainInsert(Pool pool, List<SegmentRow> rows) {
    int n = rows.size();
    String[] cam = new String[n];
    OffsetDateTime[] start = new OffsetDateTime[n];
    Integer[] dur = new Integer[n];
    String[] key = new String[n];
    Long[] bytes = new Long[n];
    for (int i = 0; i < n; i++) {
      SegmentRow r = rows.get(i);
      cam[i] = r.cameraId();
      start[i] = r.startAt();
      dur[i] = r.durationMs();
      key[i] = r.objectKey();
      bytes[i] = r.bytes();
    }
    return pool.preparedQuery("""
        INSERT INTO ingest.segments (camera_id, start_at, duration_ms, object_key, bytes, seq, device_time)
        SELECT c, s, d, k, b, 0, s FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::text[], $5::bigint[])
          AS t(c, s, d, k, b)
        ON CONFLICT DO NOTHING""")
        .execute(Tuple.tuple().addArrayOfString(cam).addArrayOfOffsetDateTime(start)
            .addArrayOfInteger(dur).addArrayOfString(key).addArrayOfLong(bytes))
        .mapEmpty();
  }

  static SegmentNotification notification(String camera, long startMs, long seq) {
    return new SegmentNotification(SegmentNotification.VERSION,
        ObjectKeys.segmentKey(camera, Instant.ofEpochMilli(startMs), seq), startMs, /* durationMs= */ 3_000,
        /* bytes= */ 750_000, null, seq, "avc1.64001f", /* width= */ 1280, /* height= */ 720,
        System.currentTimeMillis(), null, null);
  }
}
