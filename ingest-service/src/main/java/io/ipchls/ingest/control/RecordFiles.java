package io.ipchls.ingest.control;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * DescribeRecordFiles: recordings ({@code ingest.recordings}, the 180 s rule) by camera and time range, whole; or
 * by task: the recordings of the task's cameras clipped to the time the task ran for each camera, with the start,
 * end, size and segment count of the segments inside the clip. Ordered by start, paged by page/pageSize.
 */
final class RecordFiles {
  static final String BY_CAMERA = """
      SELECT recording_id, camera_id, start_at, end_at, segment_count, bytes, count(*) OVER () AS total
      FROM ingest.recordings WHERE camera_id = $1 AND start_at < $3 AND end_at > $2
      ORDER BY start_at, recording_id LIMIT $4 OFFSET $5""";
  static final String BY_TASK = """
      WITH win AS (
        SELECT camera_id, min(started_at) AS s,
               CASE WHEN bool_or(stopped_at IS NULL) THEN 'infinity'::timestamptz ELSE max(stopped_at) END AS e
        FROM ingest.task_spans WHERE task_id = $1 AND ($2::text IS NULL OR camera_id = $2) GROUP BY camera_id),
      clipped AS (
        SELECT r.recording_id, r.camera_id, x.s AS start_at, x.e AS end_at, x.n AS segment_count, x.b AS bytes
        FROM win w
        JOIN ingest.recordings r ON r.camera_id = w.camera_id AND r.start_at < w.e AND r.end_at > w.s
                                AND r.start_at < $4 AND r.end_at > $3
        CROSS JOIN LATERAL (
          SELECT min(g.start_at) AS s, max(g.start_at + g.duration_ms * interval '1 millisecond') AS e,
                 count(*)::int AS n, sum(g.bytes)::bigint AS b
          FROM ingest.segments g
          WHERE g.camera_id = r.camera_id AND g.start_at >= greatest(r.start_at, w.s)
            AND g.start_at < least(r.end_at, w.e)) x
        WHERE x.n > 0)
      SELECT *, count(*) OVER () AS total FROM clipped ORDER BY start_at, recording_id LIMIT $5 OFFSET $6""";
  static final String TASK_EXISTS = "SELECT 1 FROM ingest.record_tasks WHERE task_id = $1";
  static final String CAMERA_SEEN = "SELECT 1 FROM ingest.recordings WHERE camera_id = $1 LIMIT 1";

  private final Pool pool;
  private final CameraRegistry registry;
  private final ReplayUrls replay;

  RecordFiles(Pool pool, ReplayUrls replay) {
    this.pool = pool;
    this.registry = new CameraRegistry(pool);
    this.replay = replay;
  }

  Future<JsonObject> describe(ControlRequests.FilesQuery q) {
    OffsetDateTime from = OffsetDateTime.ofInstant(q.from(), ZoneOffset.UTC);
    OffsetDateTime to = OffsetDateTime.ofInstant(q.to(), ZoneOffset.UTC);
    int offset = (q.page() - 1) * q.pageSize();
    Future<RowSet<Row>> rows = q.taskId() == null
        ? knownCamera(q.cameraId()).compose(v -> pool.preparedQuery(BY_CAMERA)
            .execute(Tuple.of(q.cameraId(), from, to, q.pageSize(), offset)))
        : knownTask(q.taskId()).compose(v -> pool.preparedQuery(BY_TASK)
            .execute(Tuple.of(q.taskId(), q.cameraId(), from, to, q.pageSize(), offset)));
    return rows.map(rs -> {
      JsonArray files = new JsonArray();
      long total = 0;
      for (Row r : rs) {
        total = r.getLong("total");
        files.add(file(r));
      }
      return new JsonObject().put("cameraId", q.cameraId()).put("taskId", q.taskId()).put("total", total)
          .put("page", q.page()).put("pageSize", q.pageSize()).put("files", files);
    });
  }

  private JsonObject file(Row r) {
    String camera = r.getString("camera_id");
    Instant start = r.getOffsetDateTime("start_at").toInstant();
    Instant end = r.getOffsetDateTime("end_at").toInstant();
    return new JsonObject().put("recordingId", r.getLong("recording_id")).put("cameraId", camera)
        .put("start", start.toEpochMilli()).put("end", end.toEpochMilli())
        .put("durationMs", end.toEpochMilli() - start.toEpochMilli()).put("bytes", r.getLong("bytes"))
        .put("segmentCount", r.getInteger("segment_count")).put("playlistUrl", replay.of(camera, start, end));
  }

  private Future<Void> knownTask(String taskId) {
    return pool.preparedQuery(TASK_EXISTS).execute(Tuple.of(taskId))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture() : Future.failedFuture(TaskRepository.unknown(taskId)));
  }

  /** A camera is known when it is registered or has recordings (a deleted camera's files stay describable). */
  private Future<Void> knownCamera(String cameraId) {
    return registry.prefixes(java.util.List.of(cameraId)).compose(found -> found.containsKey(cameraId)
        ? Future.succeededFuture()
        : pool.preparedQuery(CAMERA_SEEN).execute(Tuple.of(cameraId)).compose(rows -> rows.size() > 0
            ? Future.succeededFuture()
            : Future.failedFuture(new io.ipchls.kit.http.ApiException(404, "unknown_camera",
                "no camera " + cameraId))));
  }
}
