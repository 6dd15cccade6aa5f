package io.ipchls.ingest.retention;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The retention queries (see V5__retention.sql, V32__retention_keeps_referenced_objects.sql, V34__segment_media.sql,
 * V36__events.sql, V37__segment_scrubbing.sql): expired segments, events and index files, each marked when a row inside retention still names
 * its object (or a segment's init segment), their deletion, partitions.
 */
public final class RetentionRepository {
  static final String EXPIRED = "SELECT camera_id, start_at, object_key, object_kept, init_key, init_kept, "
      + "thumbnail_key, thumbnail_kept "
      + "FROM ingest.expired_segment_rows($1, $2)";
  /** The oldest segments of cameras over their ring quota, as many as bring them back under it (V40). */
  static final String OVER_QUOTA = "SELECT camera_id, start_at, object_key, object_kept, init_key, init_kept, "
      + "thumbnail_key, thumbnail_kept FROM ingest.over_quota_segment_rows($1)";
  /** Each account's quota and the stored bytes of its cameras now, for the stop check and the days cap (V43). */
  static final String REFRESH_ACCOUNTS = "SELECT ingest.refresh_account_usage()";
  static final String EXPIRED_INDEX_FILES = "SELECT span_id, period_start, object_key, object_kept "
      + "FROM ingest.expired_index_files($1, $2)";
  static final String DELETE_INDEX_FILES = "DELETE FROM ingest.index_files f "
      + "USING unnest($1::bigint[], $2::timestamptz[]) AS d(s, p) WHERE f.span_id = d.s AND f.period_start = d.p";
  /**
   * Deletes the rows (delete_segments meters their bytes, V39) and the init segments deleted with them ({@code $4}):
   * each leaves the metered inits and counts as one delete of its camera, as each thumbnail deleted with its row
   * does ({@code $5}, its camera once per thumbnail); one statement, one transaction.
   */
  static final String DELETE = """
      WITH deleted AS (
        SELECT ingest.delete_segments($1::text[], $2::timestamptz[], $3::text[]) AS n
      ), inits AS (
        DELETE FROM ingest.metered_inits m USING deleted WHERE m.init_key = ANY ($4::text[]) RETURNING m.camera_id
      ), gone AS (
        SELECT camera_id FROM inits
        UNION ALL
        SELECT c FROM unnest($5::text[]) AS t(c), deleted
      ), metered AS (
        SELECT ingest.meter_storage(array_agg(camera_id), array_agg(0::bigint), array_agg(0::bigint),
                                    array_agg(1::bigint), array_agg(0::bigint))
        FROM gone
      )
      SELECT n FROM deleted, metered""";
  static final String DELETE_EVENTS = "SELECT ingest.delete_expired_events($1, $2)";
  static final String DROP_PARTITIONS = "SELECT ingest.drop_expired_partitions($1)";

  /**
   * The primary key of one segment row; {@code objectKept}: a row inside retention still names its object;
   * {@code initKey} its fMP4 init segment (null for MPEG-TS) and {@code initKept}: a row inside retention still needs
   * that init segment (V34); {@code thumbnailKey} its thumbnail (null: none) and {@code thumbnailKept}: a row inside
   * retention names that object too (V37).
   */
  public record SegmentId(String cameraId, OffsetDateTime startAt, String objectKey, boolean objectKept,
      String initKey, boolean initKept, String thumbnailKey, boolean thumbnailKept) {
    public SegmentId(String cameraId, OffsetDateTime startAt, String objectKey, boolean objectKept, String initKey,
        boolean initKept) {
      this(cameraId, startAt, objectKey, objectKept, initKey, initKept, /* thumbnailKey= */ null,
          /* thumbnailKept= */ false);
    }

    /** The objects to delete with this row: those no row inside retention names. */
    public List<String> objectsToDelete() {
      List<String> out = new ArrayList<>(3);
      if (!objectKept) out.add(objectKey);
      if (initKey != null && !initKept) out.add(initKey);
      if (thumbnailKey != null && !thumbnailKept) out.add(thumbnailKey);
      return out;
    }
  }

  /** The primary key of one index file row; {@code objectKept} as for segments. */
  public record IndexFileId(long spanId, OffsetDateTime periodStart, String objectKey, boolean objectKept) {
    /** The object to delete with this row, unless a row inside retention names it. */
    public List<String> objectsToDelete() {
      return objectKept ? List.of() : List.of(objectKey);
    }
  }

  private final Pool pool;
  private final int defaultRetentionDays;

  public RetentionRepository(Pool pool, int defaultRetentionDays) {
    this.pool = pool;
    this.defaultRetentionDays = defaultRetentionDays;
  }

  /** Up to {@code max} segments beyond their camera's retention, oldest first. */
  public Future<List<SegmentId>> expired(int max) {
    return pool.preparedQuery(EXPIRED).execute(Tuple.of(defaultRetentionDays, max)).map(RetentionRepository::ids);
  }

  /** Sums each account's stored bytes afresh and takes its quota from the registry; returns how many accounts. */
  public Future<Integer> refreshAccounts() {
    return pool.query(REFRESH_ACCOUNTS).execute().map(rows -> rows.iterator().next().getInteger(0));
  }

  /** Up to {@code max} of the oldest segments of cameras (and accounts) over their storage quota of policy ring, oldest first. */
  public Future<List<SegmentId>> overQuota(int max) {
    return pool.preparedQuery(OVER_QUOTA).execute(Tuple.of(max)).map(RetentionRepository::ids);
  }

  private static List<SegmentId> ids(Iterable<Row> rows) {
    List<SegmentId> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(new SegmentId(r.getString("camera_id"), r.getOffsetDateTime("start_at"), r.getString("object_key"),
          r.getBoolean("object_kept"), r.getString("init_key"), r.getBoolean("init_kept"),
          r.getString("thumbnail_key"), r.getBoolean("thumbnail_kept")));
    }
    return out;
  }

  /**
   * Deletes the rows, trims their recordings and meters what left storage (their bytes, and the init segments no kept
   * row needs) in one transaction; returns how many rows were deleted.
   */
  public Future<Integer> delete(List<SegmentId> ids) {
    if (ids.isEmpty()) return Future.succeededFuture(0);
    int n = ids.size();
    String[] camera = new String[n];
    OffsetDateTime[] start = new OffsetDateTime[n];
    String[] key = new String[n];
    for (int i = 0; i < n; i++) {
      camera[i] = ids.get(i).cameraId();
      start[i] = ids.get(i).startAt();
      key[i] = ids.get(i).objectKey();
    }
    String[] inits = ids.stream().filter(id -> id.initKey() != null && !id.initKept()).map(SegmentId::initKey)
        .distinct().toArray(String[]::new);
    String[] thumbnails = ids.stream().filter(id -> id.thumbnailKey() != null && !id.thumbnailKept())
        .map(SegmentId::cameraId).toArray(String[]::new);
    return pool.preparedQuery(DELETE)
        .execute(Tuple.tuple().addArrayOfString(camera).addArrayOfOffsetDateTime(start).addArrayOfString(key)
            .addArrayOfString(inits).addArrayOfString(thumbnails))
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /** Up to {@code max} index files whose every listed segment is beyond its camera's retention, oldest first. */
  public Future<List<IndexFileId>> expiredIndexFiles(int max) {
    return pool.preparedQuery(EXPIRED_INDEX_FILES).execute(Tuple.of(defaultRetentionDays, max)).map(rows -> {
      List<IndexFileId> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new IndexFileId(r.getLong("span_id"), r.getOffsetDateTime("period_start"), r.getString("object_key"),
            r.getBoolean("object_kept")));
      }
      return out;
    });
  }

  /** Deletes index file rows; returns how many. */
  public Future<Integer> deleteIndexFiles(List<IndexFileId> ids) {
    if (ids.isEmpty()) return Future.succeededFuture(0);
    Long[] span = ids.stream().map(IndexFileId::spanId).toArray(Long[]::new);
    OffsetDateTime[] start = ids.stream().map(IndexFileId::periodStart).toArray(OffsetDateTime[]::new);
    return pool.preparedQuery(DELETE_INDEX_FILES)
        .execute(Tuple.tuple().addArrayOfLong(span).addArrayOfOffsetDateTime(start))
        .map(rows -> rows.rowCount());
  }

  /** Deletes up to {@code max} events that started before their camera's retention (V36); returns how many. */
  public Future<Integer> deleteExpiredEvents(int max) {
    return pool.preparedQuery(DELETE_EVENTS).execute(Tuple.of(defaultRetentionDays, max))
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /** Drops the empty daily partitions beyond every camera's retention; returns how many. */
  public Future<Integer> dropExpiredPartitions() {
    return pool.preparedQuery(DROP_PARTITIONS).execute(Tuple.of(defaultRetentionDays))
        .map(rows -> rows.iterator().next().getInteger(0));
  }
}
