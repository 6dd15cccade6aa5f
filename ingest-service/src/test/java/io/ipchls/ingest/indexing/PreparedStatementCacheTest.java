package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The services' pool ({@code Database.pool}) keeps long statements prepared on the server, as it keeps short ones.
 * The Vert.x client caches only statements up to 2048 characters by default; ingest's store of a batch is longer, so
 * every batch was parsed, analysed and planned again (about half a millisecond of PostgreSQL per batch in planning
 * alone, docs/PERFORMANCE.md "Ingest").
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PreparedStatementCacheTest {
  @Test
  void aStatementLongerThanTheClientsDefaultLimit_isPreparedOnceAndReused(Vertx vertx) {
    var support = new IngestTestSupport(vertx);
    assertTrue(SegmentRepository.STORE_DECIDED.length() > 2048, "a batch's store is longer than the default limit");
    String marker = "prepared-cache-" + System.nanoTime();
    String longStatement = "SELECT $1::int + 1 AS n /* " + marker + " " + "x".repeat(3000) + " */";
    long prepared = await(support.pool.withConnection(conn -> conn.preparedQuery(longStatement).execute(Tuple.of(1))
        .compose(x -> conn.preparedQuery(longStatement).execute(Tuple.of(2)))
        .compose(second -> {
          assertEquals(3, second.iterator().next().getInteger("n"));
          return conn.preparedQuery("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE $1")
              .execute(Tuple.of("%" + marker + "%"));
        })
        .map(rows -> rows.iterator().next().getLong("n"))));
    assertEquals(1, prepared, "the long statement is a named prepared statement on its connection");
  }
}
