package io.ipchls.ingest.indexing;

import io.ipchls.ingest.shared.RecordingGapRule;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  private final Pool pool;
  private final RecordingGapRule gapRule;

  public SegmentRepository(Pool pool, RecordingGapRule gapRule) {
    this.pool = pool;
    this.gapRule = gapRule;
  }

  /**
   * Inserts the rows, numbers the new ones for live playback, applies the recording gap rule to their cameras'
   * recordings and meters their storage, in one statement (committed when the future succeeds); rows already present
   * are skipped. Returns the new rows with their live numbers.
   */
  public Future<IndexedBatch> insertAndApplyGapRule(List<SegmentRow> rows) {
    if (rows.isEmpty()) return Future.succeededFuture(IndexedBatch.EMPTY);
    Map<String, Integer> targets = announcedTargets(rows);
    return pool.preparedQuery(INDEX_BATCH).execute(arguments(rows, gapRule))
        .map(found -> IndexedBatch.from(found, targets));
  }

  /** {@link #INDEX_BATCH}'s arguments for these rows. */
  public static Tuple arguments(List<SegmentRow> rows, RecordingGapRule gapRule) {
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
    Tuple args = Tuple.tuple().addArrayOfString(camera).addArrayOfOffsetDateTime(start).addArrayOfInteger(duration)
        .addArrayOfString(key).addArrayOfLong(bytes).addArrayOfString(sha).addArrayOfLong(seq)
        .addArrayOfString(codec).addArrayOfInteger(width).addArrayOfInteger(height)
        .addArrayOfOffsetDateTime(device).addArrayOfBoolean(jump).addArrayOfBoolean(discontinuity)
        .addArrayOfString(container).addArrayOfString(init).addArrayOfDouble(frameRate)
        .addArrayOfLong(keyFrameOffset).addArrayOfLong(keyFrameLength).addArrayOfString(thumbnail)
        .addInteger(gapRule.gapMs()).addInteger(LiveNumbering.LATE_JOIN_MS).addInteger(LiveNumbering.TOLERANCE_MS);
    Map<String, Integer> targets = announcedTargets(rows);
    args.addArrayOfString(targets.keySet().toArray(String[]::new))
        .addArrayOfInteger(targets.values().toArray(Integer[]::new));
    return args;
  }

  /** Per camera, the segment length its last notification in the batch announced (cameras that said nothing: none). */
  static Map<String, Integer> announcedTargets(List<SegmentRow> rows) {
    Map<String, Integer> targets = new LinkedHashMap<>();
    for (SegmentRow r : rows) if (r.targetSeconds() != null) targets.put(r.cameraId(), r.targetSeconds());
    return targets;
  }
}
