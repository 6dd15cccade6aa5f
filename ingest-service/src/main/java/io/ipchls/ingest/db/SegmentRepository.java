package io.ipchls.ingest.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Writes the segment index. Idempotent: a redelivered notification hits the primary key and is skipped. */
public final class SegmentRepository {
  static final String INSERT_BATCH = """
      INSERT INTO ingest.segments (camera_id, start_at, duration_ms, object_key, bytes, sha256, seq, codec,
                                   width, height, device_time, clock_jump, received_at)
      SELECT c, s, d, k, b, h, q, co, w, he, dt, cj, now()
      FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::text[], $5::bigint[], $6::text[], $7::bigint[],
                  $8::text[], $9::int[], $10::int[], $11::timestamptz[], $12::bool[])
           AS t(c, s, d, k, b, h, q, co, w, he, dt, cj)
      ON CONFLICT DO NOTHING
      RETURNING camera_id""";

  private final Pool pool;

  public SegmentRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Inserts the rows in one statement (committed when the future succeeds) and returns the camera id of each row
   * that was new; rows already present are skipped.
   */
  public Future<List<String>> insertAll(List<SegmentRow> rows) {
    if (rows.isEmpty()) return Future.succeededFuture(List.of());
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
    }
    Tuple args = Tuple.tuple().addArrayOfString(camera).addArrayOfOffsetDateTime(start).addArrayOfInteger(duration)
        .addArrayOfString(key).addArrayOfLong(bytes).addArrayOfString(sha).addArrayOfLong(seq)
        .addArrayOfString(codec).addArrayOfInteger(width).addArrayOfInteger(height)
        .addArrayOfOffsetDateTime(device).addArrayOfBoolean(jump);
    return pool.preparedQuery(INSERT_BATCH).execute(args).map(rs -> {
      List<String> inserted = new ArrayList<>(rs.rowCount());
      for (Row row : rs) inserted.add(row.getString(0));
      return inserted;
    });
  }
}
