package io.ipchls.ingest.retention;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.shared.IngestPools;
import static io.ipchls.ingest.IngestTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PartitionMaintenanceTest {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

  @Test
  void start_createsDailyPartitionsAhead_andRunsAgainHarmlessly(Vertx vertx) {
    var support = new IngestTestSupport(vertx).migrate();
    var maintenance = new PartitionMaintenanceVerticle(new IngestPools(support.config.db()));
    await(vertx.deployVerticle(maintenance));
    await(maintenance.ensurePartitions()); // a second run (or another instance's) changes nothing and fails nothing

    LocalDate tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1);
    String name = "ingest.segments_" + DAY.format(tomorrow);
    var bounds = await(support.pool.preparedQuery(
        "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.oid = to_regclass($1)")
        .execute(Tuple.of(name)));
    assertEquals(1, bounds.size(), name + " exists");
    String bound = bounds.iterator().next().getString(0);
    assertNotNull(bound);
    assertTrue(bound.contains("'" + tomorrow + " 00:00:00+00'"), "starts at UTC midnight: " + bound);
    assertTrue(bound.contains("'" + tomorrow.plusDays(1) + " 00:00:00+00'"), "spans one day: " + bound);
  }
}
