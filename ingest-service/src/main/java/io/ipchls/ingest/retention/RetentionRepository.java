package io.ipchls.ingest.retention;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The retention queries (see V5__retention.sql): expired segments, their deletion with the recordings, partitions. */
public final class RetentionRepository {
  static final String EXPIRED = "SELECT camera_id, start_at, object_key FROM ingest.expired_segments($1, $2)";
  static final String DELETE = "SELECT ingest.delete_segments($1::text[], $2::timestamptz[], $3::text[])";
  static final String DROP_PARTITIONS = "SELECT ingest.drop_expired_partitions($1)";

  /** The primary key of one segment row. */
  public record SegmentId(String cameraId, OffsetDateTime startAt, String objectKey) {}

  private final Pool pool;
  private final int defaultRetentionDays;

  public RetentionRepository(Pool pool, int defaultRetentionDays) {
    this.pool = pool;
    this.defaultRetentionDays = defaultRetentionDays;
  }

  /** Up to {@code max} segments beyond their camera's retention, oldest first. */
  public Future<List<SegmentId>> expired(int max) {
    return pool.preparedQuery(EXPIRED).execute(Tuple.of(defaultRetentionDays, max)).map(rows -> {
      List<SegmentId> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new SegmentId(r.getString("camera_id"), r.getOffsetDateTime("start_at"), r.getString("object_key")));
      }
      return out;
    });
  }

  /** Deletes the rows and trims their recordings in one transaction; returns how many rows were deleted. */
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
    return pool.preparedQuery(DELETE)
        .execute(Tuple.tuple().addArrayOfString(camera).addArrayOfOffsetDateTime(start).addArrayOfString(key))
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /** Drops the empty daily partitions beyond every camera's retention; returns how many. */
  public Future<Integer> dropExpiredPartitions() {
    return pool.preparedQuery(DROP_PARTITIONS).execute(Tuple.of(defaultRetentionDays))
        .map(rows -> rows.iterator().next().getInteger(0));
  }
}
