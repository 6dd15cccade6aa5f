package io.ipchls.ingest.indexing;

import io.ipchls.ingest.shared.RecordingGapRule;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes the segment index and the recordings derived from it. Idempotent: a redelivered notification hits the
 * primary key and is skipped, and only new segments change recordings.
 */
public final class SegmentRepository {
  /** The live target each camera announced ({@code $23}, {@code $24}), kept where it changed: both statements' head. */
  private static final String KEEP_TARGET = """
      WITH target AS (
        INSERT INTO ingest.live_target AS t (camera_id, target_seconds)
        SELECT u.c, u.s FROM unnest($23::text[], $24::int[]) AS u(c, s)
        WHERE NOT EXISTS (SELECT 1 FROM ingest.live_target x WHERE x.camera_id = u.c AND x.target_seconds = u.s)
        ON CONFLICT (camera_id) DO UPDATE SET target_seconds = excluded.target_seconds, updated_at = now()
      )
      """;

  /**
   * Inserts the batch with its restart marks ({@code $13}, V30__segment_discontinuity.sql), numbers its new segments
   * for live playback by the {@link LiveNumbering} rule (V31__live_sequence.sql; a marked segment is a discontinuity
   * there as in the playlists) and folds them into the recordings by the {@link RecordingGapRule} (its gap, see
   * V3__recordings.sql), with each segment's media description ({@code $14}-{@code $16}, V34__segment_media.sql: a
   * media change is marked like a restart) and its key frame range and thumbnail key ({@code $17}-{@code $19},
   * V37__segment_scrubbing.sql); the gap rule and live numbering take {@code $20}-{@code $22}. The new rows are metered
   * (V39__usage_metering.sql: their bytes and objects, their thumbnails, each init segment named for the first time)
   * in the same upsert of each camera's counters row that moves its live numbers (V45__usage_in_live_sequence.sql).
   * In the same statement, the segment length each camera announced it is configured for ({@code $23}, {@code $24},
   * one per camera, V38__live_target_and_clip_exports.sql) is kept where it changed: the live target duration. All in
   * one statement, so the counters commit with the index or not at all.
   */
  public static final String INDEX_BATCH = KEEP_TARGET + """
      SELECT camera, start_at, duration_ms, object_key, discontinuity, media_seq, discontinuity_seq, container,
             init_key, codec, width, height, frame_rate
      FROM ingest.index_and_meter_segments($1::text[], $2::timestamptz[], $3::int[], $4::text[], $5::bigint[],
                                           $6::text[], $7::bigint[], $8::text[], $9::int[], $10::int[],
                                           $11::timestamptz[], $12::bool[], $13::bool[], $14::text[], $15::text[],
                                           $16::float8[], $17::bigint[], $18::bigint[], $19::text[], $20::int,
                                           $21::int, $22::int)
      ORDER BY camera, media_seq NULLS FIRST, start_at, object_key""";

  /**
   * The indexing statement as ingest sent it up to V44, with the same arguments as {@link #INDEX_BATCH}: metering
   * after {@code index_segments}, by one {@code meter_storage} call. An instance of the previous release still sends
   * it during a rolling upgrade (V45 keeps what it calls, and its metering stays exact); the tests and benchmarks that
   * compare the current schema with one migrated to an earlier version send it there.
   *
   * <p>Indexes, numbers, folds recordings and keeps the live target as {@link #INDEX_BATCH} does; then meters the new
   * rows in a second write of each camera (V39__usage_metering.sql): their bytes and objects, their thumbnails and
   * each init segment named for the first time.
   */
  public static final String INDEX_BATCH_BEFORE_V45 = KEEP_TARGET + """
      , indexed AS (
        SELECT camera, start_at, duration_ms, object_key, discontinuity, media_seq, discontinuity_seq, container,
               init_key, codec, width, height, frame_rate
        FROM ingest.index_segments($1::text[], $2::timestamptz[], $3::int[], $4::text[], $5::bigint[], $6::text[],
                                   $7::bigint[], $8::text[], $9::int[], $10::int[], $11::timestamptz[], $12::bool[],
                                   $13::bool[], $14::text[], $15::text[], $16::float8[], $17::bigint[],
                                   $18::bigint[], $19::text[], $20::int, $21::int, $22::int)
      ), new_inits AS (
        INSERT INTO ingest.metered_inits (init_key, camera_id)
        SELECT DISTINCT ON (init_key) init_key, camera FROM indexed WHERE init_key IS NOT NULL
        ON CONFLICT DO NOTHING
        RETURNING camera_id
      ), puts AS (
        SELECT i.camera AS c, count(*) + count(b.thumb) AS n, sum(b.bytes) AS bytes
        FROM indexed i
        JOIN (SELECT DISTINCT ON (c, s, k) c, s, k, bytes, thumb
              FROM unnest($1::text[], $2::timestamptz[], $4::text[], $5::bigint[], $19::text[])
                   AS u(c, s, k, bytes, thumb)) b
          ON b.c = i.camera AND b.s = i.start_at AND b.k = i.object_key
        GROUP BY i.camera
        UNION ALL
        SELECT camera_id, count(*), 0 FROM new_inits GROUP BY camera_id
      ), metered AS (
        SELECT ingest.meter_storage(array_agg(c), array_agg(n::bigint), array_agg(bytes::bigint),
                                    array_agg(0::bigint), array_agg(0::bigint))
        FROM puts
      )
      SELECT indexed.* FROM indexed, metered
      ORDER BY camera, media_seq NULLS FIRST, start_at, object_key""";

  /** A unique index refused a row. */
  private static final String UNIQUE_VIOLATION = "23505";

  /** For the rest of the batch's transaction: statements run on their generic plans. */
  static final String GENERIC_PLANS = "SET LOCAL plan_cache_mode = force_generic_plan";

  /** Locks the batch's cameras and reads what {@link DecidedBatch} decides from (V46__indexing_decided_by_ingest). */
  static final String LOCK_AND_READ = "SELECT * FROM ingest.lock_and_read_cameras($1::text[])";

  /**
   * Locks the batch's cameras as {@code lock_and_read_cameras} does (transaction-scoped, camera-id order) without
   * reading them: for a batch of cameras whose state this instance remembers ({@link KnownCameras}).
   */
  static final String LOCK_CAMERAS = """
      SELECT count(*) AS locked
      FROM (SELECT pg_advisory_xact_lock(hashtextextended('ingest.recordings/' || cams.c, 0))
            FROM (SELECT DISTINCT c FROM unnest($1::text[]) AS c ORDER BY c) cams) l""";

  /**
   * Stores what {@link DecidedBatch} decided, with the cameras' locks held: the segments with their numbers and media
   * change ({@code $1}-{@code $22}), each init segment named for the first time metered to its camera
   * ({@code metered_inits}, as V45), and per camera ({@code $23}-{@code $35}) its counters row moved to its last
   * segment and metered with V45's arithmetic, its recording grown or started. The segments are known new (they start
   * after the camera's newest), so a plain INSERT: one that is there after all fails the statement (23505) and the
   * batch goes the general way.
   *
   * <p>Each camera's counters row and recording are written only where they still hold what the decision was made
   * from ({@code $36}-{@code $45}: the counters the decision read or remembered, the latest recording's id and end):
   * a state remembered by {@link KnownCameras} can be stale. Returns how many segments were inserted and which cameras'
   * counters, grown recordings and started recordings (with their ids) were written; the caller rolls back unless
   * that is every camera.
   */
  static final String STORE_DECIDED = """
      WITH ins AS (
        INSERT INTO ingest.segments (camera_id, start_at, duration_ms, object_key, bytes, sha256, seq, codec, width,
                                     height, device_time, clock_jump, discontinuity, received_at, media_seq,
                                     discontinuity_seq, container, init_key, frame_rate, media_change,
                                     key_frame_offset, key_frame_length, thumbnail_key)
        SELECT t.c, t.s, t.d, t.k, t.b, t.h, t.q, t.co, t.w, t.he, t.dt, t.cj, coalesce(t.di, false), now(), t.ms,
               t.ds, coalesce(t.ct, 'ts'), t.i,
               t.fr, t.mc, t.ko, t.kl, t.th
        FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::text[], $5::bigint[], $6::text[], $7::bigint[],
                    $8::text[], $9::int[], $10::int[], $11::timestamptz[], $12::bool[], $13::bool[], $14::text[],
                    $15::text[], $16::float8[], $17::bigint[], $18::bigint[], $19::text[], $20::bigint[],
                    $21::bigint[], $22::bool[])
             AS t(c, s, d, k, b, h, q, co, w, he, dt, cj, di, ct, i, fr, ko, kl, th, ms, ds, mc)
        RETURNING 1
      ), inits AS (
        INSERT INTO ingest.metered_inits (init_key, camera_id)
        SELECT DISTINCT ON (t.i) t.i, t.c FROM unnest($15::text[], $1::text[]) AS t(i, c) WHERE t.i IS NOT NULL
        ON CONFLICT DO NOTHING
        RETURNING metered_inits.camera_id
      ), counters AS (
        UPDATE ingest.live_sequence q
        SET next_media_seq = n.seq + 1, last_discontinuity_seq = n.disc, last_start = n.s, last_duration_ms = n.d,
            edge_start = greatest(q.edge_start, n.s), newest_start = n.s, newest_key = n.k, newest_media = n.f,
            byte_hours = q.byte_hours + q.stored_bytes * extract(epoch FROM now() - q.accrued_at) / 3600,
            accrued_at = now(),
            stored_bytes = q.stored_bytes + n.b, stored_objects = q.stored_objects + n.o + coalesce(i.o, 0),
            puts = q.puts + n.o + coalesce(i.o, 0), bytes_in = q.bytes_in + n.b
        FROM unnest($23::text[], $24::bigint[], $25::bigint[], $26::timestamptz[], $27::int[], $28::text[],
                    $29::text[], $30::bigint[], $31::bigint[], $36::timestamptz[], $37::text[], $38::text[],
                    $39::bigint[], $40::bigint[], $41::timestamptz[], $42::int[], $43::timestamptz[])
             AS n(c, seq, disc, s, d, k, f, o, b, xns, xnk, xnm, xseq, xdisc, xls, xld, xes)
        -- an init segment named for the first time: one more stored object (and PUT) of the camera that names it
        LEFT JOIN (SELECT camera_id, count(*) AS o FROM inits GROUP BY camera_id) i ON i.camera_id = n.c
        -- "= ANY": the rows are found by index probes; a plan made for a thousand cameras otherwise scans the table
        WHERE q.camera_id = ANY ($23::text[]) AND q.camera_id = n.c
          -- the row still holds what the decision was made from
          AND q.newest_start = n.xns AND q.newest_key = n.xnk AND q.newest_media IS NOT DISTINCT FROM n.xnm
          AND q.next_media_seq = n.xseq AND q.last_discontinuity_seq = n.xdisc
          AND q.last_start IS NOT DISTINCT FROM n.xls AND q.last_duration_ms IS NOT DISTINCT FROM n.xld
          AND q.edge_start IS NOT DISTINCT FROM n.xes
        RETURNING q.camera_id
      ), grown AS (
        UPDATE ingest.recordings r
        SET end_at = greatest(r.end_at, g.e), segment_count = r.segment_count + g.n, bytes = r.bytes + g.b,
            updated_at = now()
        FROM unnest($32::bigint[], $34::timestamptz[], $35::int[], $31::bigint[], $44::timestamptz[])
             AS g(id, e, n, b, xe)
        WHERE r.recording_id = ANY ($32::bigint[]) AND r.recording_id = g.id AND r.end_at = g.xe
        RETURNING r.camera_id
      ), started AS (
        INSERT INTO ingest.recordings (camera_id, start_at, end_at, segment_count, bytes)
        SELECT t.c, t.s, t.e, t.n, t.b
        FROM unnest($23::text[], $32::bigint[], $33::timestamptz[], $34::timestamptz[], $35::int[], $31::bigint[],
                    $45::bigint[], $44::timestamptz[]) AS t(c, id, s, e, n, b, xid, xe)
        WHERE t.id IS NULL
          -- the latest recording, which the new one follows by more than the gap, still ends where it did
          AND (t.xid IS NULL
               OR EXISTS (SELECT 1 FROM ingest.recordings r WHERE r.recording_id = t.xid AND r.end_at = t.xe))
        RETURNING camera_id, recording_id
      )
      SELECT (SELECT count(*) FROM ins) AS inserted, (SELECT array_agg(camera_id) FROM counters) AS counted,
             (SELECT array_agg(camera_id) FROM grown) AS grown, s.cameras AS started, s.ids AS started_ids
      FROM (SELECT array_agg(camera_id) AS cameras, array_agg(recording_id) AS ids FROM started) s""";

  /** {@link #KEEP_TARGET} alone, for a batch with nothing left to {@link #INDEX_BATCH}. */
  static final String KEEP_TARGET_ONLY = KEEP_TARGET.replace("$23::text[], $24::int[]", "$1::text[], $2::int[]")
      + "SELECT 1";

  private final Pool pool;
  private final RecordingGapRule gapRule;
  /** What this instance stored last per camera, so that the next batch of a camera needs no read. */
  private final KnownCameras known = new KnownCameras(System::nanoTime);
  /** Rows stored as {@link DecidedBatch} decided them, since this repository was made. */
  private final LongAdder decidedRows = new LongAdder();
  /** Batches done again because a remembered camera state was stale. */
  private final LongAdder staleBatches = new LongAdder();
  /** Cameras read under their locks (the rest of each batch's cameras were remembered). */
  private final LongAdder readCameras = new LongAdder();

  public SegmentRepository(Pool pool, RecordingGapRule gapRule) {
    this.pool = pool;
    this.gapRule = gapRule;
  }

  /**
   * Inserts the rows, numbers the new ones for live playback, applies the recording gap rule to their cameras'
   * recordings and meters their storage, in one transaction (committed when the future succeeds); rows already
   * present are skipped. Returns the new rows with their live numbers.
   */
  public Future<IndexedBatch> insertAndApplyGapRule(List<SegmentRow> rows) {
    if (rows.isEmpty()) return Future.succeededFuture(IndexedBatch.EMPTY);
    Map<String, Integer> targets = announcedTargets(rows);
    String[] cameras = rows.stream().map(SegmentRow::cameraId).distinct().toArray(String[]::new);
    Map<String, DecidedBatch.CameraState> remembered = known.begin(cameras);
    return pool.withTransaction(conn -> indexIn(conn, rows, cameras, remembered, targets))
        .recover(failure -> {
          if (!(failure instanceof StaleState stale)) return Future.failedFuture(failure);
          // decided from a remembered state that another writer had moved: rolled back; again, reading every camera
          known.doubt(stale.cameras);
          staleBatches.increment();
          return pool.withTransaction(conn -> indexIn(conn, rows, cameras, Map.of(), targets));
        })
        .recover(failure -> failure instanceof NotNew || failure instanceof StaleState
            || failure instanceof PgException e && UNIQUE_VIOLATION.equals(e.getSqlState())
            // a segment decided new was there after all: the whole batch again, each row probed
            ? pool.preparedQuery(INDEX_BATCH).execute(arguments(rows, gapRule))
                .map(found -> new Written(IndexedBatch.from(found, targets), Map.of()))
            : Future.failedFuture(failure))
        .map(written -> {
          known.forget(Arrays.asList(cameras));
          written.after().forEach(known::stored);
          return written.batch();
        })
        .onFailure(failure -> known.forget(Arrays.asList(cameras)))
        .onComplete(x -> known.end(cameras));
  }

  /** A committed batch, and the state each camera decided in ingest was left in. */
  private record Written(IndexedBatch batch, Map<String, DecidedBatch.CameraState> after) {}

  /**
   * The batch in one transaction: the cameras locked, those not {@code remembered} read, the common case decided here
   * and stored ({@link DecidedBatch}, {@link #STORE_DECIDED}), the rest through {@link #INDEX_BATCH}, which also keeps
   * the announced targets.
   */
  private Future<Written> indexIn(SqlConnection conn, List<SegmentRow> rows, String[] cameras,
      Map<String, DecidedBatch.CameraState> remembered, Map<String, Integer> targets) {
    // sent without waiting for their answers (the connection pipelines): generic plans, which probe by index, where a
    // plan made for each batch's thousand cameras costs more to make than it saves
    Future<?> generic = conn.query(GENERIC_PLANS).execute();
    String[] toRead = Arrays.stream(cameras).filter(c -> !remembered.containsKey(c)).toArray(String[]::new);
    readCameras.add(toRead.length);
    // every camera locked first, in one pass in camera order (reading the others takes their locks again)
    Future<?> locked = remembered.isEmpty() ? Future.succeededFuture()
        : conn.preparedQuery(LOCK_CAMERAS).execute(Tuple.tuple().addArrayOfString(cameras));
    Future<RowSet<Row>> read = toRead.length == 0 ? Future.succeededFuture(null)
        : conn.preparedQuery(LOCK_AND_READ).execute(Tuple.tuple().addArrayOfString(toRead));
    return Future.all(generic, locked, read).compose(x -> {
      Map<String, DecidedBatch.CameraState> states = new HashMap<>(remembered);
      if (read.result() != null) {
        for (Row r : read.result()) states.put(r.getString("camera"), DecidedBatch.CameraState.from(r));
      }
      DecidedBatch decided = DecidedBatch.decide(rows, states, gapRule);
      Future<Map<String, DecidedBatch.CameraState>> stored = decided.rows().isEmpty()
          ? Future.succeededFuture(Map.of())
          : conn.preparedQuery(STORE_DECIDED).execute(storeArguments(decided, states))
              .compose(result -> afterStore(result.iterator().next(), decided, states));
      return stored.compose(after -> {
        if (!decided.others().isEmpty()) {
          return conn.preparedQuery(INDEX_BATCH).execute(arguments(decided.others(), gapRule, targets))
              .map(found -> new Written(IndexedBatch.merge(decided, found, targets), after));
        }
        Future<?> kept = targets.isEmpty() ? Future.succeededFuture()
            : conn.preparedQuery(KEEP_TARGET_ONLY).execute(Tuple.tuple()
                .addArrayOfString(targets.keySet().toArray(String[]::new))
                .addArrayOfInteger(targets.values().toArray(Integer[]::new)));
        return kept.map(y -> new Written(IndexedBatch.merge(decided, null, targets), after));
      });
    });
  }

  /**
   * What {@link #STORE_DECIDED} answered: fails with {@link StaleState} unless every decided camera's counters and
   * recording were written, else returns the state each camera is in now.
   */
  private Future<Map<String, DecidedBatch.CameraState>> afterStore(Row answer, DecidedBatch decided,
      Map<String, DecidedBatch.CameraState> states) {
    if (answer.getLong("inserted") != decided.rows().size()) return Future.failedFuture(new NotNew());
    Set<String> counted = strings(answer, "counted");
    Set<String> grown = strings(answer, "grown");
    Map<String, Long> started = new HashMap<>();
    String[] startedCameras = answer.getArrayOfStrings("started");
    Long[] startedIds = answer.getArrayOfLongs("started_ids");
    for (int i = 0; startedCameras != null && i < startedCameras.length; i++) {
      started.put(startedCameras[i], startedIds[i]);
    }
    Set<String> stale = new HashSet<>();
    Map<String, DecidedBatch.CameraState> after = new HashMap<>();
    for (DecidedBatch.CameraOutcome o : decided.cameras()) {
      Long recording = o.recordingId() != null ? (grown.contains(o.camera()) ? o.recordingId() : null)
          : started.get(o.camera());
      if (!counted.contains(o.camera()) || recording == null) {
        stale.add(o.camera());
      } else {
        after.put(o.camera(), DecidedBatch.after(states.get(o.camera()), o, recording));
      }
    }
    if (!stale.isEmpty()) return Future.failedFuture(new StaleState(stale));
    decidedRows.add(decided.rows().size());
    return Future.succeededFuture(after);
  }

  private static Set<String> strings(Row row, String column) {
    String[] values = row.getArrayOfStrings(column);
    return values == null ? Set.of() : new HashSet<>(Arrays.asList(values));
  }

  /** How many rows were stored as ingest decided them (the rest went through {@link #INDEX_BATCH}). */
  public long decidedRows() {
    return decidedRows.sum();
  }

  /** How many cameras batches read (each time a camera was not remembered). */
  public long readCameras() {
    return readCameras.sum();
  }

  /** How many batches were done again because a camera state this instance remembered was stale. */
  public long staleBatches() {
    return staleBatches.sum();
  }

  /** A segment {@link DecidedBatch} took for new was already indexed (the transaction is rolled back). */
  private static final class NotNew extends RuntimeException {
    NotNew() {
      super("a segment decided new was already indexed", null, false, false);
    }
  }

  /**
   * A camera's counters or latest recording no longer held what its batch was decided from (the transaction is rolled
   * back).
   */
  private static final class StaleState extends RuntimeException {
    final Set<String> cameras;

    StaleState(Set<String> cameras) {
      super("the state of " + cameras.size() + " camera(s) had moved since it was read", null, false, false);
      this.cameras = cameras;
    }
  }

  /** {@link #STORE_DECIDED}'s arguments: what was decided, from {@code states}. */
  private static Tuple storeArguments(DecidedBatch decided, Map<String, DecidedBatch.CameraState> states) {
    List<SegmentRow> rows = decided.rows().stream().map(DecidedBatch.Numbered::row).toList();
    Tuple args = segmentArrays(rows);
    int n = rows.size();
    Long[] mediaSeq = new Long[n];
    Long[] discSeq = new Long[n];
    Boolean[] mediaChange = new Boolean[n];
    for (int i = 0; i < n; i++) {
      DecidedBatch.Numbered r = decided.rows().get(i);
      mediaSeq[i] = r.mediaSeq();
      discSeq[i] = r.discontinuitySeq();
      mediaChange[i] = r.mediaChange();
    }
    args.addArrayOfLong(mediaSeq).addArrayOfLong(discSeq).addArrayOfBoolean(mediaChange);
    int m = decided.cameras().size();
    String[] camera = new String[m];
    Long[] lastSeq = new Long[m];
    Long[] lastDisc = new Long[m];
    OffsetDateTime[] lastStart = new OffsetDateTime[m];
    Integer[] lastDuration = new Integer[m];
    String[] lastKey = new String[m];
    String[] lastMedia = new String[m];
    Long[] objects = new Long[m];
    Long[] bytes = new Long[m];
    Long[] recording = new Long[m];
    OffsetDateTime[] runStart = new OffsetDateTime[m];
    OffsetDateTime[] runEnd = new OffsetDateTime[m];
    Integer[] runCount = new Integer[m];
    for (int i = 0; i < m; i++) {
      DecidedBatch.CameraOutcome c = decided.cameras().get(i);
      camera[i] = c.camera();
      lastSeq[i] = c.last().mediaSeq();
      lastDisc[i] = c.last().discontinuitySeq();
      lastStart[i] = c.last().row().startAt();
      lastDuration[i] = c.last().row().durationMs();
      lastKey[i] = c.last().row().objectKey();
      lastMedia[i] = c.lastMedia();
      objects[i] = c.objects();
      bytes[i] = c.bytes();
      recording[i] = c.recordingId();
      runStart[i] = DecidedBatch.time(c.runStart());
      runEnd[i] = DecidedBatch.time(c.runEnd());
      runCount[i] = c.runCount();
    }
    args.addArrayOfString(camera).addArrayOfLong(lastSeq).addArrayOfLong(lastDisc)
        .addArrayOfOffsetDateTime(lastStart).addArrayOfInteger(lastDuration).addArrayOfString(lastKey)
        .addArrayOfString(lastMedia).addArrayOfLong(objects).addArrayOfLong(bytes).addArrayOfLong(recording)
        .addArrayOfOffsetDateTime(runStart).addArrayOfOffsetDateTime(runEnd).addArrayOfInteger(runCount);
    // what each camera's decision was made from ($36-$45)
    OffsetDateTime[] newestStart = new OffsetDateTime[m];
    String[] newestKey = new String[m];
    String[] newestMedia = new String[m];
    Long[] nextSeq = new Long[m];
    Long[] lastDiscSeq = new Long[m];
    OffsetDateTime[] lastStartWas = new OffsetDateTime[m];
    Integer[] lastDurationWas = new Integer[m];
    OffsetDateTime[] edgeStart = new OffsetDateTime[m];
    OffsetDateTime[] recordingEnd = new OffsetDateTime[m];
    Long[] latestRecording = new Long[m];
    for (int i = 0; i < m; i++) {
      DecidedBatch.CameraState q = states.get(camera[i]);
      newestStart[i] = DecidedBatch.time(q.newestStart());
      newestKey[i] = q.newestKey();
      newestMedia[i] = q.newestMedia();
      nextSeq[i] = q.nextMediaSeq();
      lastDiscSeq[i] = q.lastDiscontinuitySeq();
      lastStartWas[i] = q.lastStart() == null ? null : DecidedBatch.time(q.lastStart());
      lastDurationWas[i] = q.lastDurationMs();
      edgeStart[i] = q.edgeStart() == null ? null : DecidedBatch.time(q.edgeStart());
      recordingEnd[i] = q.recordingEnd() == null ? null : DecidedBatch.time(q.recordingEnd());
      latestRecording[i] = q.recordingId();
    }
    return args.addArrayOfOffsetDateTime(newestStart).addArrayOfString(newestKey).addArrayOfString(newestMedia)
        .addArrayOfLong(nextSeq).addArrayOfLong(lastDiscSeq).addArrayOfOffsetDateTime(lastStartWas)
        .addArrayOfInteger(lastDurationWas).addArrayOfOffsetDateTime(edgeStart)
        .addArrayOfOffsetDateTime(recordingEnd).addArrayOfLong(latestRecording);
  }

  /** {@link #INDEX_BATCH}'s arguments for these rows. */
  public static Tuple arguments(List<SegmentRow> rows, RecordingGapRule gapRule) {
    return arguments(rows, gapRule, announcedTargets(rows));
  }

  /** {@link #INDEX_BATCH}'s arguments for these rows, with these announced targets. */
  static Tuple arguments(List<SegmentRow> rows, RecordingGapRule gapRule, Map<String, Integer> targets) {
    Tuple args = segmentArrays(rows)
        .addInteger(gapRule.gapMs()).addInteger(LiveNumbering.LATE_JOIN_MS).addInteger(LiveNumbering.TOLERANCE_MS);
    args.addArrayOfString(targets.keySet().toArray(String[]::new))
        .addArrayOfInteger(targets.values().toArray(Integer[]::new));
    return args;
  }

  /** The rows' 19 columns as arrays, in {@link #INDEX_BATCH}'s order ({@code $1}-{@code $19}). */
  private static Tuple segmentArrays(List<SegmentRow> rows) {
    int n = rows.size();
    String[] camera = new String[n];
    OffsetDateTime[] start = new OffsetDateTime[n];
    Integer[] duration = new Integer[n];
    String[] key = new String[n];
    Long[] bytes = new Long[n];
    String[] sha = new String[n];
    Long[] seq = new Long[n];
    String[] codec = new String[n];
    Integer[] width = new Integer[n];
    Integer[] height = new Integer[n];
    OffsetDateTime[] device = new OffsetDateTime[n];
    Boolean[] jump = new Boolean[n];
    Boolean[] discontinuity = new Boolean[n];
    String[] container = new String[n];
    String[] init = new String[n];
    Double[] frameRate = new Double[n];
    Long[] keyFrameOffset = new Long[n];
    Long[] keyFrameLength = new Long[n];
    String[] thumbnail = new String[n];
    for (int i = 0; i < n; i++) {
      SegmentRow r = rows.get(i);
      camera[i] = r.cameraId();
      start[i] = r.startAt();
      duration[i] = r.durationMs();
      key[i] = r.objectKey();
      bytes[i] = r.bytes();
      sha[i] = r.sha256();
      seq[i] = r.seq();
      codec[i] = r.codec();
      width[i] = r.width();
      height[i] = r.height();
      device[i] = r.deviceTime();
      jump[i] = r.clockJump();
      discontinuity[i] = r.discontinuity();
      container[i] = r.container();
      init[i] = r.initKey();
      frameRate[i] = r.frameRate();
      keyFrameOffset[i] = r.keyFrameOffset();
      keyFrameLength[i] = r.keyFrameLength();
      thumbnail[i] = r.thumbnailKey();
    }
    return Tuple.tuple().addArrayOfString(camera).addArrayOfOffsetDateTime(start).addArrayOfInteger(duration)
        .addArrayOfString(key).addArrayOfLong(bytes).addArrayOfString(sha).addArrayOfLong(seq)
        .addArrayOfString(codec).addArrayOfInteger(width).addArrayOfInteger(height)
        .addArrayOfOffsetDateTime(device).addArrayOfBoolean(jump).addArrayOfBoolean(discontinuity)
        .addArrayOfString(container).addArrayOfString(init).addArrayOfDouble(frameRate)
        .addArrayOfLong(keyFrameOffset).addArrayOfLong(keyFrameLength).addArrayOfString(thumbnail);
  }

  /** Per camera, the segment length its last notification in the batch announced (cameras that said nothing: none). */
  static Map<String, Integer> announcedTargets(List<SegmentRow> rows) {
    Map<String, Integer> targets = new LinkedHashMap<>();
    for (SegmentRow r : rows) if (r.targetSeconds() != null) targets.put(r.cameraId(), r.targetSeconds());
    return targets;
  }
}
