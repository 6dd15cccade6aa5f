package io.ipchls.playlist.db;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.db.Database;
import io.ipchls.playlist.TestStack;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * playlist-service reads ingest's data only through the read views {@code ingest.segments_v1},
 * {@code ingest.live_sequence_v1} and {@code ingest.recordings_v1}; PostgreSQL inlines such simple views, so each
 * query must still be able to use the tables' indexes. With sequential scans disabled, a plan that still holds a
 * {@code Seq Scan} has no index to use.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class ReadViewPlansTest {
  private static final TestStack env = new TestStack();
  private static final OffsetDateTime T = Instant.parse("2025-03-01T10:00:00Z").atOffset(ZoneOffset.UTC);
  private static Pool pool;

  @BeforeAll
  static void start(Vertx vertx) {
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
  }

  @Test
  void liveNewestAndCounters_throughTheViews_useAnIndex() {
    assertIndexOnly(SegmentRepository.LIVE_NEWEST, Tuple.of("cam-plan", 6, 0L));
    assertIndexOnly(SegmentRepository.LIVE_COUNTERS, Tuple.of("cam-plan"));
  }

  @Test
  void overlapping_throughSegmentsView_useAnIndex() {
    assertIndexOnly(SegmentRepository.OVERLAPPING, Tuple.of("cam-plan", T.minusMinutes(1), T.plusHours(1), T));
    assertIndexOnly(SegmentRepository.SEGMENT_EXISTS, Tuple.of("cam-plan", T, "k"));
  }

  @Test
  void initSegmentsAndMedia_throughSegmentsView_useAnIndex() {
    assertIndexOnly(SegmentRepository.INIT_AT, Tuple.of("cam-plan", T, 0));
    assertIndexOnly(SegmentRepository.INIT_EXISTS, Tuple.of("cam-plan", T, "cam-plan/init/k.mp4"));
    assertIndexOnly(SegmentRepository.MEDIA, Tuple.of("cam-plan", T.minusDays(1), T, 20));
  }

  @Test
  void iFramesAndThumbnails_throughSegmentsView_useAnIndex() {
    assertIndexOnly(SegmentRepository.I_FRAMES, Tuple.of("cam-plan", T.minusMinutes(1), T.plusHours(1), T));
    assertIndexOnly(SegmentRepository.THUMBNAILS_AROUND, Tuple.of("cam-plan", T, 60_000L));
    assertIndexOnly(SegmentRepository.THUMBNAILS_IN, Tuple.of("cam-plan", T, T.plusHours(24), 43_200L));
    assertIndexOnly(SegmentRepository.THUMBNAIL_EXISTS, Tuple.of("cam-plan", T, "cam-plan/thumbs/k.jpg"));
  }

  @Test
  void cameraChecks_throughSegmentsView_useAnIndex() {
    assertIndexOnly(SegmentRepository.HAS_SEGMENTS, Tuple.of("cam-plan"));
    assertIndexOnly(SegmentRepository.NEWEST_OF_EACH, Tuple.tuple().addArrayOfString(new String[] {"a", "b"}));
  }

  @Test
  void recordings_throughRecordingsView_useAnIndex() {
    assertIndexOnly(SegmentRepository.RECORDINGS, Tuple.of("cam-plan", T, T.plusHours(1), 20, 0));
    assertIndexOnly(SegmentRepository.RECORDINGS_COUNT, Tuple.of("cam-plan", T, T.plusHours(1)));
  }

  @Test
  void events_throughEventsView_useAnIndex() {
    assertIndexOnly(EventRepository.OVERLAPPING, Tuple.of("cam-plan", T, T.plusHours(1), 200));
    assertIndexOnly(EventRepository.OVERLAPPING_OF_TYPE, Tuple.of("cam-plan", T, T.plusHours(1), 200, "motion"));
  }

  private static void assertIndexOnly(String sql, Tuple args) {
    String plan = await(pool.withTransaction(c -> c.query("SET LOCAL enable_seqscan = off").execute()
        .compose(x -> c.preparedQuery("EXPLAIN " + sql).execute(args))
        .map(rows -> {
          StringBuilder lines = new StringBuilder();
          rows.forEach(r -> lines.append(r.getString(0)).append('\n'));
          return lines.toString();
        })));
    assertTrue(plan.contains("Index"), "no index in the plan of\n" + sql + "\n" + plan);
    assertFalse(plan.contains("Seq Scan"), "a sequential scan in the plan of\n" + sql + "\n" + plan);
  }
}
