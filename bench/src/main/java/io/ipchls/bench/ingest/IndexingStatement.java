package io.ipchls.bench.ingest;

import io.ipchls.infra.EmbeddedPostgres;
import io.ipchls.infra.ScratchDir;
import io.ipchls.ingest.IngestService;
import io.ipchls.ingest.indexing.SegmentRepository;
import io.ipchls.ingest.indexing.SegmentRow;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.db.Database;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * PostgreSQL's cost of ingest's indexing statement alone ({@link SegmentRepository#insertAndApplyGapRule}: the batch's
 * segments, live numbers, recordings and usage in one statement), on the current migrations and, in the same run on
 * the same server, on the migrations up to {@code --before} (a second database): batches of {@code --batch} cameras
 * with one new 3 s segment each, {@code --cameras} cameras in turn, so every batch writes each of its cameras' rows
 * once (the steady state of a fleet that sends one segment per camera every few seconds). One connection per
 * database and the batches alternate between the two (which one goes first alternates too), so both see the same
 * machine. Prints milliseconds per batch and microseconds per row for each, their ratio, and where each database
 * spent its time by statement (pg_stat_statements, nested statements included).
 */
@Command(name = "IndexingStatement", mixinStandardHelpOptions = true)
public final class IndexingStatement implements Callable<Integer> {
  @Option(names = "--cameras", description = "distinct cameras (default ${DEFAULT-VALUE})")
  int cameras = 60_000;
  @Option(names = "--batch", description = "rows per batch, one per camera (default ${DEFAULT-VALUE})")
  int batch = 1000;
  @Option(names = "--warmup-rounds", description = "rounds of all cameras before measuring (default ${DEFAULT-VALUE})")
  int warmupRounds = 2;
  @Option(names = "--rounds", description = "measured rounds of all cameras (default ${DEFAULT-VALUE})")
  int rounds = 3;
  @Option(names = "--before", description = "the migration version to compare with (default ${DEFAULT-VALUE})")
  String before = "44";
  @Option(names = "--statements", description = "statements to print per database (default ${DEFAULT-VALUE})")
  int statements = 9;
  @Option(names = "--without-index", paramLabel = "NAME", description = "an index of the ingest schema to drop from "
      + "the current schema before measuring, to see what it costs (repeatable; e.g. segments_object_key)")
  List<String> withoutIndexes = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new IndexingStatement()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (cameras % batch != 0) throw new CommandLine.ParameterException(new CommandLine(this),
        "--cameras must be a multiple of --batch");
    for (String index : withoutIndexes) {
      if (!index.matches("[a-z_][a-z0-9_]{0,62}")) throw new CommandLine.ParameterException(new CommandLine(this),
          "--without-index takes an index name of the ingest schema, not " + index);
    }
    try (ScratchDir dir = ScratchDir.create("indexing-bench-")) {
      Path pgDir = dir.resolve("postgres");
      IngestThroughput.alterSystem(pgDir, IngestThroughput.STATEMENT_STATISTICS);
      try (EmbeddedPostgres pg = EmbeddedPostgres.start(pgDir, 0)) {
        Vertx vertx = Vertx.vertx();
        try {
          return run(vertx, pg);
        } finally {
          vertx.close().await(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  private int run(Vertx vertx, EmbeddedPostgres pg) throws Exception {
    DbConfig now = new DbConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(), 2);
    DbConfig old = new DbConfig(pg.host(), pg.port(), pg.database() + "_v" + before, pg.user(), pg.password(), 2);
    Pool nowPool = Database.pool(vertx, now);
    nowPool.query("CREATE DATABASE " + old.database()).execute().await(60, TimeUnit.SECONDS);
    Pool oldPool = Database.pool(vertx, old);
    Database.migrate(vertx, now, IngestService.SCHEMA).await(300, TimeUnit.SECONDS);
    Database.migrate(vertx, old, IngestService.SCHEMA, IngestService.SCHEMA, before).await(300, TimeUnit.SECONDS);
    for (Pool p : List.of(nowPool, oldPool)) {
      p.query("SELECT ingest.ensure_segment_partitions(2)").execute().await(60, TimeUnit.SECONDS);
      p.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await(60, TimeUnit.SECONDS);
    }
    for (String index : withoutIndexes) {
      nowPool.query("DROP INDEX ingest." + index).execute().await(60, TimeUnit.SECONDS);
    }
    var nowRepo = new SegmentRepository(nowPool, RecordingGapRule.DEFAULT);
    // what ingest sent to a schema of that version (the statement changed with V45)
    String oldStatement = Integer.parseInt(before) < 45 ? SegmentRepository.INDEX_BATCH_BEFORE_V45
        : SegmentRepository.INDEX_BATCH;
    System.out.printf("indexing statement: %,d cameras, batches of %,d, %d warm-up and %d measured rounds; current "
        + "migrations%s beside V%s, one connection each, batches alternating%n", cameras, batch, warmupRounds, rounds,
        withoutIndexes.isEmpty() ? "" : " without " + String.join(", ", withoutIndexes), before);

    long t0 = System.currentTimeMillis() - 3_600_000L;
    long[] nanos = new long[2]; // [0] current, [1] before
    int batches = cameras / batch;
    for (int round = 0; round < warmupRounds + rounds; round++) {
      boolean measured = round >= warmupRounds;
      if (round == warmupRounds) {
        nowPool.query("SELECT pg_stat_statements_reset()").execute().await(60, TimeUnit.SECONDS);
      }
      for (int b = 0; b < batches; b++) {
        List<SegmentRow> rows = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          String cam = "cam-" + (b * batch + i);
          rows.add(SegmentRow.of(cam, IngestThroughput.notification(cam, t0 + round * 3_000L, round)));
        }
        boolean nowFirst = (b + round) % 2 == 0;
        for (int k = 0; k < 2; k++) {
          boolean current = nowFirst == (k == 0);
          long start = System.nanoTime();
          int indexed = current
              ? nowRepo.insertAndApplyGapRule(rows).await(60, TimeUnit.SECONDS).segments().size()
              : oldPool.preparedQuery(oldStatement).execute(SegmentRepository.arguments(rows, RecordingGapRule.DEFAULT))
                  .await(60, TimeUnit.SECONDS).size();
          if (measured) nanos[current ? 0 : 1] += System.nanoTime() - start;
          if (indexed != batch) throw new IllegalStateException("indexed " + indexed + " of " + batch);
        }
      }
    }
    long measuredBatches = (long) batches * rounds;
    double nowMs = nanos[0] / 1e6 / measuredBatches;
    double oldMs = nanos[1] / 1e6 / measuredBatches;
    System.out.printf("  current    %7.2f ms per batch, %6.1f us per row%n", nowMs, nowMs * 1000 / batch);
    System.out.printf("  V%-9s %7.2f ms per batch, %6.1f us per row%n", before, oldMs, oldMs * 1000 / batch);
    System.out.printf("  ratio        %.2f  (current / V%s)%n", nowMs / oldMs, before);
    for (var db : List.of(now, old)) {
      System.out.printf("  where %s spent its time (ms per measured batch, nested statements included):%n",
          db == now ? "the current schema" : "V" + before);
      var top = nowPool.preparedQuery("SELECT total_exec_time / $2, regexp_replace(left(query, 110), '\\s+', ' ', 'g') "
              + "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1) "
              + "AND query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT $3")
          .execute(Tuple.of(db.database(), (double) measuredBatches, statements)).await(60, TimeUnit.SECONDS);
      for (var r : top) System.out.printf("    %7.2f  %s%n", r.getDouble(0), r.getString(1));
    }
    System.out.printf("  load average at the end: %s%n", CpuShares.loadAverage());
    return 0;
  }
}
