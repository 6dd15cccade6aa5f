package io.ipchls.ingest.usage;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The minute's usage roll (V47__roll_usage_in_chunks.sql, {@link UsageGaugesVerticle#rollAll}): cameras are rolled a
 * chunk per transaction under their advisory locks, every camera's pending usage lands in its day rows exactly once
 * whatever the chunk size, and a roll that meets an indexing batch holding some of its cameras passes those by without
 * waiting, to roll them next time, instead of deadlocking with the batch (V45's one-transaction roll did: 40P01 under
 * a fleet's load, docs/PERFORMANCE.md "Ingest", *The usage roll*).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UsageRollTest {
  private static final String METER = "SELECT ingest.meter_storage($1, $2, $3, $4, $5)";
  private static final String DAYS = """
      SELECT coalesce(sum(puts), 0) AS puts, coalesce(sum(bytes_in), 0) AS bytes_in, count(*) AS days
      FROM ingest.camera_usage_daily WHERE camera_id = $1""";
  private static final String PENDING = "SELECT pending_puts FROM ingest.usage_totals_v1 WHERE camera_id = $1";
  private static IngestTestSupport support;

  @BeforeAll
  static void migrate(Vertx vertx) {
    support = new IngestTestSupport(vertx).migrate();
  }

  @Test
  void inChunksOfThree_everyCamerasPendingUsageLandsInItsDaysExactlyOnce() {
    // ids that sort after every other test's cameras ('~' is after letters and digits), and the rolls start at them:
    // chunks of three over a database that other tests filled would take as many round trips as it has cameras
    String after = "~roll-" + cameraId("run");
    List<String> cams = IntStream.range(0, 7).mapToObj(i -> after + "-" + i).toList();
    for (int i = 0; i < cams.size(); i++) meter(cams.get(i), i + 1, 1000L * (i + 1));

    assertEquals(cams.size(), await(UsageGaugesVerticle.rollFrom(support.vertx, support.pool, after, 3)),
        "a day row per camera");
    for (int i = 0; i < cams.size(); i++) {
      assertEquals(List.of((long) i + 1, 1000L * (i + 1)), days(cams.get(i)), cams.get(i));
      assertEquals(0L, pending(cams.get(i)), cams.get(i) + ": nothing left to roll");
    }

    // a second roll moves nothing new; what is metered after it is moved by the next one, once
    await(UsageGaugesVerticle.rollFrom(support.vertx, support.pool, after, 3));
    meter(cams.get(2), 5, 50_000);
    meter(cams.get(6), 1, 7);
    await(UsageGaugesVerticle.rollFrom(support.vertx, support.pool, after, 3));
    for (int i = 0; i < cams.size(); i++) {
      long puts = i + 1 + (i == 2 ? 5 : i == 6 ? 1 : 0);
      long bytes = 1000L * (i + 1) + (i == 2 ? 50_000 : i == 6 ? 7 : 0);
      assertEquals(List.of(puts, bytes), days(cams.get(i)), cams.get(i));
    }
  }

  @Test
  void aRollMeetingABatchThatHoldsItsCameras_passesThemByWithoutWaiting_andTheNextRollTakesThem() {
    List<String> cams = IntStream.range(0, 2).mapToObj(i -> cameraId("roll-lock")).sorted().toList();
    String first = cams.get(0);
    String second = cams.get(1);
    for (String cam : cams) meter(cam, 1, 100);

    // an indexing batch as V46 writes one: the cameras' locks and rows (lock_and_read_cameras), then its counters
    // rows updated in the order its plan visits them, here the second camera before the first
    SqlConnection batch = await(support.pool.getConnection());
    List<Throwable> failures = new ArrayList<>();
    try {
      Transaction tx = await(batch.begin());
      await(batch.preparedQuery("SELECT count(*) FROM ingest.lock_and_read_cameras($1)")
          .execute(Tuple.of(cams.toArray(String[]::new))));
      await(counted(batch, second));

      // while the batch holds both cameras, a roll of the whole fleet completes: it passes them by. V45's roll
      // locked the first camera's row and waited for the second's; the batch then went on to the first camera's row
      // below, and one of the two died of a deadlock (40P01, after PostgreSQL's deadlock_timeout of 1 s).
      await(UsageGaugesVerticle.rollAll(support.vertx, support.pool, 500));
      for (String cam : cams) assertEquals(List.of(0L, 0L), days(cam), cam + ": held by the batch, not rolled");

      await(counted(batch, first).onFailure(failures::add).recover(e -> Future.succeededFuture()));
      await(tx.commit().onFailure(failures::add).recover(e -> Future.succeededFuture()));
      assertEquals(List.of(), failures.stream().map(e -> e instanceof PgException pg ? pg.getSqlState() : e.toString())
          .toList(), "the batch commits");
    } finally {
      batch.close();
    }
    await(UsageGaugesVerticle.rollAll(support.vertx, support.pool, 500));
    for (String cam : cams) {
      assertEquals(List.of(2L, 110L), days(cam), cam + ": the next roll takes what was metered and the batch's");
      assertEquals(0L, pending(cam));
    }
  }

  @Test
  void aChunkThatIsNotAChunk_isRefusedWithAReason() {
    for (Tuple bad : List.of(Tuple.of("", 0), Tuple.of("", -1), Tuple.of(null, 10))) {
      Throwable e = support.pool.preparedQuery(UsageGaugesVerticle.ROLL).execute(bad)
          .toCompletionStage().toCompletableFuture().handle((rows, failure) -> failure).join();
      assertTrue(e instanceof PgException pg && "22023".equals(pg.getSqlState())
          && pg.getMessage().contains("p_limit must be positive"), String.valueOf(e));
    }
  }

  private static Future<?> counted(SqlConnection conn, String camera) {
    return conn.preparedQuery("UPDATE ingest.live_sequence SET puts = puts + 1, bytes_in = bytes_in + 10"
        + " WHERE camera_id = $1").execute(Tuple.of(camera));
  }

  private static void meter(String camera, long puts, long bytes) {
    await(support.pool.preparedQuery(METER).execute(Tuple.of(new String[] {camera}, new Long[] {puts},
        new Long[] {bytes}, new Long[] {0L}, new Long[] {0L})));
  }

  /** Puts and bytes in of all the camera's day rows (summed: a roll just after midnight starts another day). */
  private static List<Long> days(String camera) {
    Row r = await(support.pool.preparedQuery(DAYS).execute(Tuple.of(camera))).iterator().next();
    return List.of(r.getLong("puts"), r.getLong("bytes_in"));
  }

  private static long pending(String camera) {
    return await(support.pool.preparedQuery(PENDING).execute(Tuple.of(camera))).iterator().next().getLong(0);
  }
}
