package io.ipchls.playlist.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Clip export jobs in {@code ingest.clip_exports} (V38__live_target_and_clip_exports.sql), which only playlist-service
 * reads and writes. A job is {@code running} until the instance running it records the outcome; one still running
 * after {@code maxRunMinutes} lost its instance and reads as failed, and no longer counts against the bound.
 */
public final class ExportRepository {
  /** Serialises the check of the bound and the insert across instances (one transaction each). */
  static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('ipchls.clip_exports', 0))";
  /** Inserts the job unless {@code $6} jobs started in the last {@code $7} minutes are still running. */
  static final String INSERT_IF_ROOM = """
      INSERT INTO ingest.clip_exports (export_id, camera_id, start_at, end_at, state, expires_at)
      SELECT $1, $2, $3, $4, 'running', now() + make_interval(days => $5)
      WHERE (SELECT count(*) FROM ingest.clip_exports
             WHERE state = 'running' AND created_at > now() - make_interval(mins => $7)) < $6
      RETURNING export_id""";
  static final String DONE = """
      UPDATE ingest.clip_exports SET state = 'done', finished_at = now(), mp4_key = $2, mp4_bytes = $3,
             mp4_sha256 = $4, manifest_key = $5, segment_count = $6
      WHERE export_id = $1 AND state = 'running'""";
  static final String FAILED = """
      UPDATE ingest.clip_exports SET state = 'failed', finished_at = now(), error = $2
      WHERE export_id = $1 AND state = 'running'""";
  /** The job as a reader sees it: running past {@code $2} minutes is failed (its instance stopped). */
  static final String GET = """
      SELECT export_id, camera_id, start_at, end_at, created_at, finished_at, expires_at, mp4_key, mp4_bytes,
             mp4_sha256, manifest_key, segment_count,
             CASE WHEN state = 'running' AND created_at <= now() - make_interval(mins => $2) THEN 'failed'
                  ELSE state END AS state,
             CASE WHEN state = 'running' AND created_at <= now() - make_interval(mins => $2)
                  THEN 'the export stopped with the instance that ran it; start it again' ELSE error END AS error
      FROM ingest.clip_exports WHERE export_id = $1""";
  /** Expired jobs, oldest first (their objects are deleted first, then the rows: nothing is left unreferenced). */
  static final String EXPIRED = """
      SELECT export_id, mp4_key, manifest_key FROM ingest.clip_exports WHERE expires_at <= now()
      ORDER BY expires_at LIMIT $1""";
  static final String DELETE = "DELETE FROM ingest.clip_exports WHERE export_id = ANY($1::uuid[])";

  /** One job as stored; {@code state} is {@code running}, {@code done} or {@code failed}. */
  public record Job(UUID id, String cameraId, Instant start, Instant end, String state, Instant createdAt,
      Instant finishedAt, Instant expiresAt, String error, String mp4Key, Long mp4Bytes, String mp4Sha256,
      String manifestKey, Integer segmentCount) {
    static Job from(Row r) {
      return new Job(r.getUUID("export_id"), r.getString("camera_id"), instant(r, "start_at"), instant(r, "end_at"),
          r.getString("state"), instant(r, "created_at"), instant(r, "finished_at"), instant(r, "expires_at"),
          r.getString("error"), r.getString("mp4_key"), r.getLong("mp4_bytes"), r.getString("mp4_sha256"),
          r.getString("manifest_key"), r.getInteger("segment_count"));
    }
  }

  /** What a finished job wrote. */
  public record Result(String mp4Key, long mp4Bytes, String mp4Sha256, String manifestKey, int segmentCount) {}

  /** An expired job's objects (null where it wrote none). */
  public record Expired(UUID id, String mp4Key, String manifestKey) {}

  private final Pool pool;

  public ExportRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Records a new running job unless {@code maxRunning} jobs run already (deployment-wide); false when there is no
   * room.
   */
  public Future<Boolean> startIfRoom(UUID id, String cameraId, Instant start, Instant end, int retentionDays,
      int maxRunning, int maxRunMinutes) {
    return pool.withTransaction(c -> c.query(LOCK).execute()
        .compose(x -> c.preparedQuery(INSERT_IF_ROOM).execute(Tuple.of(id, cameraId, utc(start), utc(end),
            retentionDays, maxRunning, maxRunMinutes)))
        .map(rows -> rows.size() == 1));
  }

  public Future<Void> done(UUID id, Result r) {
    return pool.preparedQuery(DONE).execute(Tuple.of(id, r.mp4Key(), r.mp4Bytes(), r.mp4Sha256(), r.manifestKey(),
        r.segmentCount())).mapEmpty();
  }

  public Future<Void> failed(UUID id, String error) {
    return pool.preparedQuery(FAILED).execute(Tuple.of(id, error)).mapEmpty();
  }

  /** The job, or null when there is none (never made, or expired and swept). */
  public Future<Job> get(UUID id, int maxRunMinutes) {
    return pool.preparedQuery(GET).execute(Tuple.of(id, maxRunMinutes))
        .map(rows -> rows.size() == 0 ? null : Job.from(rows.iterator().next()));
  }

  /** Up to {@code limit} expired jobs with their objects. */
  public Future<List<Expired>> expired(int limit) {
    return pool.preparedQuery(EXPIRED).execute(Tuple.of(limit)).map(rows -> {
      List<Expired> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Expired(r.getUUID("export_id"), r.getString("mp4_key"), r.getString("manifest_key")));
      }
      return out;
    });
  }

  /** Forgets the jobs (after their objects were deleted). */
  public Future<Void> delete(List<UUID> ids) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(ids.toArray(UUID[]::new))).mapEmpty();
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
