package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.ingest.IngestService;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.ObjectKeys;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Usage totals in the live counters' row (V45__usage_in_live_sequence.sql): the indexing statement meters in the same
 * upsert that moves a camera's live numbers, and {@code camera_usage} is a view of that row. The metering an instance
 * of the previous release does (index, then {@code meter_storage}) must add exactly what the current statement adds,
 * since both run during a rolling upgrade; and the upgrade must carry every camera's totals over, also a camera that
 * has totals but no live counters.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UsageInCountersRowTest {
  private static final String UPGRADED = "ingest_up45";
  private static final OffsetDateTime T0 =
      Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC);
  private static final String USAGE = """
      SELECT stored_bytes, stored_objects, puts, bytes_in, deletes, bytes_deleted FROM %s.camera_usage
      WHERE camera_id = $1""";
  private static IngestTestSupport support;

  @BeforeAll
  static void migrate(Vertx vertx) {
    support = new IngestTestSupport(vertx).migrate();
  }

  @Test
  void thePreviousReleasesStatement_metersExactlyAsTheCurrentOne() {
    String before = cameraId("meter-v44");
    String now = cameraId("meter-v45");
    Map<String, String> statements = new LinkedHashMap<>();
    statements.put(before, SegmentRepository.INDEX_BATCH_BEFORE_V45);
    statements.put(now, SegmentRepository.INDEX_BATCH);
    for (var e : statements.entrySet()) {
      String cam = e.getKey();
      String sql = e.getValue();
      // fMP4 with an init segment named for the first time in the first and the second batch, thumbnails on some,
      // a duplicate inside a batch, a backfill (its camera's numbers stay) and a whole batch delivered twice
      index(sql, List.of(row(cam, 0, 1, "a", true), row(cam, 3000, 2, "a", false)));
      index(sql, List.of(row(cam, 6000, 3, "b", true), row(cam, 3000, 2, "a", false)));
      List<SegmentRow> third = List.of(row(cam, 9000, 4, "b", true), row(cam, -600_000, 0, "b", false));
      index(sql, third);
      index(sql, third);
    }
    // 5 segments (1000 + seq bytes each), 3 thumbnails and 2 init segments: 10 objects and PUTs
    long bytes = 1001 + 1002 + 1003 + 1004 + 1000;
    assertEquals(List.of(bytes, 10L, 10L, bytes, 0L, 0L), usage(IngestService.SCHEMA, now));
    assertEquals(usage(IngestService.SCHEMA, now), usage(IngestService.SCHEMA, before));
    // four live numbers (the backfill took none), and the init segment's change from a to b is a discontinuity
    assertEquals(List.of(4L, 1L), counters(IngestService.SCHEMA, now));
    assertEquals(counters(IngestService.SCHEMA, now), counters(IngestService.SCHEMA, before));

    // retention deletes one row of each (delete_segments meters it into the same row)
    for (String cam : statements.keySet()) {
      SegmentRow gone = row(cam, 3000, 2, "a", false);
      await(support.pool.preparedQuery("SELECT ingest.delete_segments($1, $2, $3)").execute(Tuple.of(
          new String[] {cam}, new OffsetDateTime[] {gone.startAt()}, new String[] {gone.objectKey()})));
    }
    assertEquals(List.of(bytes - 1002, 9L, 10L, bytes, 1L, 1002L), usage(IngestService.SCHEMA, now));
    assertEquals(usage(IngestService.SCHEMA, now), usage(IngestService.SCHEMA, before));
  }

  @Test
  void theUpgrade_carriesEveryCamerasTotalsOver(Vertx vertx) {
    await(Database.migrate(vertx, support.config.db(), UPGRADED, IngestService.SCHEMA, "44"));
    String counted = cameraId("upgrade-counted");
    String orphan = cameraId("upgrade-orphan");
    index(SegmentRepository.INDEX_BATCH_BEFORE_V45.replace("ingest.", UPGRADED + "."),
        List.of(row(counted, 0, 1, "a", true), row(counted, 3000, 2, "a", false)));
    // totals without live counters: a camera whose rows were all deleted before live numbering began (V31)
    await(support.pool.preparedQuery("INSERT INTO " + UPGRADED + """
        .camera_usage (camera_id, stored_bytes, stored_objects, puts, bytes_in, deletes, bytes_deleted, byte_hours,
                       accrued_at, rolled_puts, rolled_bytes_in, rolled_deletes, rolled_bytes_deleted,
                       rolled_byte_hours)
        VALUES ($1, 0, 0, 40, 123456, 40, 123456, 77.5, now() - interval '1 hour', 38, 120000, 38, 120000, 70.25)""")
        .execute(Tuple.of(orphan)));
    String all = """
        SELECT camera_id, stored_bytes, stored_objects, puts, bytes_in, deletes, bytes_deleted, byte_hours,
               accrued_at, rolled_puts, rolled_bytes_in, rolled_deletes, rolled_bytes_deleted, rolled_byte_hours
        FROM %s.camera_usage WHERE camera_id = ANY($1) ORDER BY camera_id""".formatted(UPGRADED);
    Tuple cams = Tuple.of(new String[] {counted, orphan});
    List<String> totals = rows(all, cams);
    assertEquals(2, totals.size());

    await(Database.migrate(vertx, support.config.db(), UPGRADED, IngestService.SCHEMA, null));
    assertEquals(totals, rows(all, cams), "every column of every camera's totals, as before the upgrade");
    // what the read contract shows: nothing stored, two PUTs and deletes not rolled into the days yet, and the
    // byte-hours accrued since the last roll (nothing stored, so none since accrued_at)
    assertEquals(List.of("0 | 2 | 3456 | 2 | 3456 | 7.25"), rows("""
        SELECT stored_bytes, pending_puts, pending_bytes_in, pending_deletes, pending_bytes_deleted, pending_byte_hours
        FROM %s.usage_totals_v1 WHERE camera_id = $1""".formatted(UPGRADED), Tuple.of(orphan)));

    // the orphan's next segment is numbered as a camera without counters (from 0) and metered into its totals
    List<String> indexed = index(SegmentRepository.INDEX_BATCH.replace("ingest.", UPGRADED + "."),
        List.of(row(orphan, 60_000, 7, null, false)));
    assertEquals(1, indexed.size());
    assertEquals(List.of(1L, 0L), counters(UPGRADED, orphan));
    assertEquals(List.of(1007L, 1L, 41L, 124463L, 40L, 123456L), usage(UPGRADED, orphan));
  }

  private static SegmentRow row(String camera, long startMs, long seq, String init, boolean thumbnail) {
    OffsetDateTime start = T0.plus(startMs, ChronoUnit.MILLIS);
    String key = ObjectKeys.segmentKey(camera, start.toInstant(), seq);
    String container = init == null ? "ts" : "fmp4";
    return new SegmentRow(camera, start, 3000, key, 1000 + seq, null, seq, "hvc1.1.6.L93.B0", 1920, 1080, start,
        false, false, container, init == null ? null : camera + "/init/" + init + ".mp4", null, null, null, null,
        thumbnail ? key + ".jpg" : null);
  }

  private static List<String> index(String sql, List<SegmentRow> rows) {
    return StatementRuns.index(support.pool, sql, rows);
  }

  private static List<Long> usage(String schema, String camera) {
    Row r = await(support.pool.preparedQuery(USAGE.formatted(schema)).execute(Tuple.of(camera))).iterator().next();
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) out.add(r.getLong(i));
    return out;
  }

  private static List<Long> counters(String schema, String camera) {
    Row r = await(support.pool.preparedQuery("SELECT next_media_seq, last_discontinuity_seq FROM " + schema
        + ".live_sequence WHERE camera_id = $1").execute(Tuple.of(camera))).iterator().next();
    return List.of(r.getLong(0), r.getLong(1));
  }

  private static List<String> rows(String sql, Tuple args) {
    return StatementRuns.rows(support.pool, sql, args);
  }

}
