package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestService;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.shared.RecordingGapRule;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The indexing shortcuts (V44__newest_segment_per_camera.sql; V46__indexing_decided_by_ingest.sql, where ingest decides
 * the common case itself, {@link DecidedBatch}) against the indexing they replace: the same database holds the ingest
 * schema migrated to the newest version and a second schema migrated only to V43, and every batch of random traffic
 * is indexed in both, in the newest as ingest does ({@link SegmentRepository#insertAndApplyGapRule}), in V43's by its
 * statement. The segments each returns, and at the end every stored row (numbers, marks, media change), the live
 * counters, the recordings and the usage totals must be the same, and ingest must have decided a good part of them.
 * The traffic has what takes the shortcut and what must not: segments in order with
 * media changes (codec, resolution, container, init segment), gaps just under and just over the predecessor lookup's
 * reach, restarts and clock steps, segments a little late, backfills, redeliveries (of the newest one too), and
 * retention deleting rows between batches.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class IndexingShortcutTest {
  private static final String BEFORE = "ingest_v43";
  private static final OffsetDateTime T0 =
      Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC);
  /** How far back the predecessor lookup reaches: the longest segment plus the continuity tolerance (V34). */
  private static final long NEAR_MS = 60_000 + LiveNumbering.TOLERANCE_MS;
  private static IngestTestSupport support;
  private static SegmentRepository repository;

  /** Media descriptions a camera switches between: container, init segment, codec, width, height. */
  private record Media(String container, String init, String codec, Integer width, Integer height) {}

  private record Seg(String camera, long startMs, int durationMs, Media media, boolean restart, boolean jump,
      long seq, boolean thumbnail) {
    SegmentRow row() {
      OffsetDateTime start = T0.plus(startMs, ChronoUnit.MILLIS);
      String key = ObjectKeys.segmentKey(camera, start.toInstant(), seq);
      String init = media.init() == null ? null : camera + "/init/" + media.init();
      return new SegmentRow(camera, start, durationMs, key, 1000 + seq, null, seq, media.codec(), media.width(),
          media.height(), start, jump, restart, media.container(), init, null, null, null, null,
          thumbnail ? key + ".jpg" : null);
    }
  }

  @BeforeAll
  static void migrateBoth(Vertx vertx) {
    support = new IngestTestSupport(vertx).migrate();
    repository = new SegmentRepository(support.pool, RecordingGapRule.DEFAULT);
    await(Database.migrate(vertx, support.config.db(), BEFORE, IngestService.SCHEMA, "43"));
  }

  @Test
  void randomTraffic_isIndexedExactlyAsBeforeTheShortcut() {
    for (long seed = 1; seed <= 8; seed++) runSeed(seed);
  }

  /**
   * A deliberate difference, the one place the shortcut answers otherwise: when retention has deleted a camera's newest
   * segment, the next segment's media is compared with that deleted one (what the camera actually sent before it),
   * where the lookup compared it with whatever older row was left. A stream that did not change is not marked.
   */
  @Test
  void afterItsNewestSegmentIsDeleted_theNextIsComparedWithWhatTheCameraSentBefore() {
    String cam = cameraId("shortcut-deleted");
    Media a = new Media("ts", null, "avc1.42e01e", 640, 360);
    Media b = new Media("ts", null, "avc1.640028", 1920, 1080);
    Seg first = new Seg(cam, 0, 3000, b, false, false, 1, false);
    Seg second = new Seg(cam, 3000, 3000, a, false, false, 2, false);
    Seg third = new Seg(cam, 6000, 3000, a, false, false, 3, false);
    index(IngestService.SCHEMA, List.of(first, second));
    deleteRow(IngestService.SCHEMA, second);
    index(IngestService.SCHEMA, List.of(third));
    Row row = await(support.pool.preparedQuery("""
        SELECT x.media_change, s.discontinuity FROM ingest.segments_v1 s JOIN ingest.segments x USING (camera_id,
        start_at, object_key) WHERE s.camera_id = $1 AND s.start_at = $2""")
        .execute(Tuple.of(cam, third.row().startAt()))).iterator().next();
    assertFalse(row.getBoolean(0), "the third segment has the second's media: no media change");
    assertFalse(row.getBoolean(1), "and it continues the second in time: no discontinuity");
  }

  /** The counters' row carries the camera's newest indexed segment, never moving back for a late one or a backfill. */
  @Test
  void theNewestSegment_isKeptPerCamera_andNeverMovesBack() {
    String cam = cameraId("shortcut-newest");
    Media a = new Media("fmp4", "a.mp4", "hvc1.1.6.L93.B0", 1920, 1080);
    Seg s1 = new Seg(cam, 600_000, 3000, a, false, false, 11, false);
    Seg late = new Seg(cam, 597_500, 2000, a, false, false, 10, false);
    Seg backfill = new Seg(cam, 0, 3000, a, false, false, 1, false);
    index(IngestService.SCHEMA, List.of(s1));
    index(IngestService.SCHEMA, List.of(late));
    index(IngestService.SCHEMA, List.of(backfill));
    Row q = await(support.pool.preparedQuery("""
        SELECT newest_start, newest_key, newest_media FROM ingest.live_sequence WHERE camera_id = $1""")
        .execute(Tuple.of(cam))).iterator().next();
    assertEquals(s1.row().startAt().toInstant(), q.getOffsetDateTime(0).toInstant());
    assertEquals(s1.row().objectKey(), q.getString(1));
    assertEquals("fmp4|" + cam + "/init/a.mp4|hvc1.1.6.L93.B0|1920|1080", q.getString(2));
  }

  /**
   * A camera whose newest segment is unknown (it had no rows when V44 began, so V44 left it null, and V44 indexed
   * backfills since without learning it) must not learn it from a backfill: an older backfill would then stand as the
   * newest, and a redelivery of a row after it would pass as new (counted, though the insert skips it).
   */
  @Test
  void anUnknownNewestSegment_isNotLearntFromABackfill(Vertx vertx) {
    String schema = "ingest_unknown_newest";
    String cam = cameraId("shortcut-unknown");
    Media a = new Media("ts", null, "avc1.42e01e", 640, 360);
    Seg live = new Seg(cam, 600_000, 3000, a, false, false, 100, false);
    Seg backfill = new Seg(cam, 0, 3000, a, false, false, 1, false);
    Seg older = new Seg(cam, -300_000, 3000, a, false, false, 0, false);
    String before = SegmentRepository.INDEX_BATCH_BEFORE_V45.replace("ingest.", schema + ".");
    await(Database.migrate(vertx, support.config.db(), schema, IngestService.SCHEMA, "43"));
    StatementRuns.index(support.pool, before, List.of(live.row()));
    deleteRow(schema, live); // its live counters stay, its rows are gone
    await(Database.migrate(vertx, support.config.db(), schema, IngestService.SCHEMA, "44"));
    assertEquals(1, StatementRuns.index(support.pool, before, List.of(backfill.row())).size());
    await(Database.migrate(vertx, support.config.db(), schema, IngestService.SCHEMA, null));

    String current = SegmentRepository.INDEX_BATCH.replace("ingest.", schema + ".");
    assertEquals(1, StatementRuns.index(support.pool, current, List.of(older.row())).size());
    String state = "SELECT newest_start IS NULL, puts, (SELECT count(*) FROM " + schema
        + ".segments WHERE camera_id = $1) FROM " + schema + ".live_sequence WHERE camera_id = $1";
    Tuple camera = Tuple.of(cam);
    assertEquals(List.of("true | 3 | 2"), rows(state, camera), "a backfill leaves an unknown newest segment unknown");
    assertEquals(List.of(), StatementRuns.index(support.pool, current, List.of(backfill.row())));
    assertEquals(List.of("true | 3 | 2"), rows(state, camera), "the redelivered backfill is neither new nor counted");
    assertEquals(1, StatementRuns.index(support.pool, current, List.of(
        new Seg(cam, 603_000, 3000, a, false, false, 101, false).row())).size());
    assertEquals(List.of("false | 4 | 3"), rows(state, camera), "a live segment makes it known");
  }

  private void runSeed(long seed) {
    Random rnd = new Random(seed);
    Media[] medias = {
        new Media("ts", null, "avc1.42e01e", 640, 360),
        new Media("ts", null, "avc1.640028", 1920, 1080),
        new Media("fmp4", "a.mp4", "hvc1.1.6.L93.B0", 1920, 1080),
        new Media("fmp4", "b.mp4", "hvc1.1.6.L93.B0,mp4a.40.2", 1920, 1080),
        new Media(null, null, "avc1.42e01e", null, null)};
    List<String> cameras = new ArrayList<>();
    for (int c = 0; c < 3; c++) cameras.add(cameraId("shortcut-" + seed + "-" + c));

    List<Seg> produced = new ArrayList<>();
    for (String cam : cameras) {
      long t = rnd.nextInt(10_000);
      long seq = 1;
      Media media = medias[rnd.nextInt(medias.length)];
      for (int i = 0; i < 60; i++) {
        if (rnd.nextInt(6) == 0) media = medias[rnd.nextInt(medias.length)];
        int duration = 1_000 + rnd.nextInt(4_000);
        produced.add(new Seg(cam, t, duration, media, rnd.nextInt(15) == 0, rnd.nextInt(40) == 0, seq++,
            rnd.nextBoolean()));
        int step = rnd.nextInt(14);
        long next = step == 0 ? t + NEAR_MS - rnd.nextInt(2) // the predecessor just inside the lookup's reach
            : step == 1 ? t + NEAR_MS + 1 + rnd.nextInt(2) // just outside it
            // at the gap (the recording grows) or just past it (a new one), or well past it
            : step == 2 ? t + duration + RecordingGapRule.DEFAULT.gapMs() + rnd.nextInt(2)
            : step == 3 ? t + duration + RecordingGapRule.DEFAULT.gapMs() + rnd.nextInt(5_000)
            // at the continuity tolerance (continuous) or just past it (a discontinuity)
            : step == 4 ? t + duration + LiveNumbering.TOLERANCE_MS + rnd.nextInt(2)
            : t + duration + rnd.nextInt(1_500);
        t = next;
      }
    }
    produced.sort(Comparator.comparingLong(Seg::startMs));
    List<Seg> delivery = new ArrayList<>();
    List<Seg> heldBack = new ArrayList<>();
    for (Seg s : produced) {
      int what = rnd.nextInt(12);
      if (what == 0) {
        heldBack.add(s); // much later: usually a backfill
      } else if (what == 1 && !delivery.isEmpty()) {
        delivery.add(Math.max(0, delivery.size() - 1 - rnd.nextInt(4)), s); // a little early
        delivery.add(s);
      } else if (what == 2) {
        delivery.add(s);
        delivery.add(delivery.get(Math.max(0, delivery.size() - 1 - rnd.nextInt(3)))); // a redelivery
      } else {
        delivery.add(s);
      }
      if (rnd.nextInt(25) == 0 && !heldBack.isEmpty()) delivery.add(heldBack.remove(rnd.nextInt(heldBack.size())));
    }
    delivery.addAll(heldBack);

    Set<Seg> indexed = new HashSet<>();
    long decided = repository.decidedRows();
    int at = 0;
    while (at < delivery.size()) {
      List<Seg> batch = delivery.subList(at, Math.min(delivery.size(), at + 1 + rnd.nextInt(12)));
      at += batch.size();
      List<String> now = index(IngestService.SCHEMA, batch);
      List<String> before = index(BEFORE, batch);
      assertEquals(before, now, "seed " + seed + ": the batch ending at delivery " + at + " returned");
      indexed.addAll(batch);
      if (rnd.nextInt(8) == 0) {
        // retention deletes an old row (never a camera's newest: see the test above for that)
        List<Seg> old = indexed.stream().filter(s -> indexed.stream()
            .anyMatch(o -> o.camera().equals(s.camera()) && o.startMs() > s.startMs()))
            .sorted(Comparator.comparingLong(Seg::startMs)).toList();
        if (!old.isEmpty()) {
          Seg victim = old.get(rnd.nextInt(Math.min(old.size(), 5)));
          deleteRow(IngestService.SCHEMA, victim);
          deleteRow(BEFORE, victim);
          indexed.remove(victim);
        }
      }
    }
    assertTrue(at > 150, "the traffic had " + at + " deliveries");
    decided = repository.decidedRows() - decided;
    assertTrue(decided >= 60, "seed " + seed + ": " + decided + " rows were decided by ingest, the rest by the "
        + "indexing function (V46)");

    Tuple cams = Tuple.of(cameras.toArray(String[]::new));
    for (String query : List.of("""
        SELECT camera_id, start_at, object_key, duration_ms, bytes, discontinuity, clock_jump, media_change,
               media_seq, discontinuity_seq, container, init_key, codec, width, height, thumbnail_key
        FROM %s.segments WHERE camera_id = ANY($1) ORDER BY camera_id, start_at, object_key""", """
        SELECT camera_id, next_media_seq, last_discontinuity_seq, last_start, last_duration_ms, edge_start
        FROM %s.live_sequence WHERE camera_id = ANY($1) ORDER BY camera_id""", """
        SELECT camera_id, start_at, end_at, segment_count, bytes
        FROM %s.recordings WHERE camera_id = ANY($1) ORDER BY camera_id, start_at""", """
        SELECT camera_id, stored_bytes, stored_objects, puts, bytes_in, deletes, bytes_deleted
        FROM %s.camera_usage WHERE camera_id = ANY($1) ORDER BY camera_id""")) {
      assertEquals(rows(String.format(query, BEFORE), cams), rows(String.format(query, IngestService.SCHEMA), cams),
          "seed " + seed + ": " + query.lines().skip(1).findFirst().orElseThrow().trim());
    }
    long marked = Long.parseLong(rows("""
        SELECT count(*) FROM ingest.segments WHERE camera_id = ANY($1) AND media_change""", cams).get(0));
    assertTrue(marked >= 5, "seed " + seed + ": the traffic changed media (" + marked + " marked)");
  }

  /**
   * Indexes the batch in a schema as ingest does: in the current one through the repository (its own decisions and
   * {@link SegmentRepository#INDEX_BATCH} for the rest, V46), in V43's with that version's statement; returns what
   * each says it indexed, as text, in its order.
   */
  private static List<String> index(String schema, List<Seg> batch) {
    List<SegmentRow> rows = batch.stream().map(Seg::row).toList();
    IndexedBatch indexed = schema.equals(IngestService.SCHEMA) ? await(repository.insertAndApplyGapRule(rows))
        : IndexedBatch.from(await(support.pool.preparedQuery(SegmentRepository.INDEX_BATCH_BEFORE_V45
            .replace("ingest.", schema + ".")).execute(SegmentRepository.arguments(rows, RecordingGapRule.DEFAULT))),
            Map.of());
    return indexed.segments().stream().map(Object::toString).toList();
  }

  private static void deleteRow(String schema, Seg s) {
    SegmentRow r = s.row();
    await(support.pool.preparedQuery("SELECT " + schema + ".delete_segments($1, $2, $3)")
        .execute(Tuple.of(new String[] {r.cameraId()}, new OffsetDateTime[] {r.startAt()},
            new String[] {r.objectKey()})));
  }

  private static List<String> rows(String sql, Tuple args) {
    return StatementRuns.rows(support.pool, sql, args);
  }

}
