package io.ipchls.kit.usage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one reader of usage, through ingest's read contract ({@code ingest.usage_totals_v1}, {@code usage_daily_v1},
 * V39__usage_metering.sql). Today's figures include what is not rolled into the daily rows yet (ingest rolls every
 * minute; byte-hours up to the time of the read), so a report is exact to the second without writing anything.
 */
public final class UsageReader {
  /**
   * Every camera with usage in [$1, $2) (UTC days) or bytes stored now; {@code $3} one camera, or null for all. What is
   * not rolled into the days yet counts when today is in the period.
   */
  static final String PERIOD = """
      SELECT coalesce(d.camera_id, t.camera_id) AS camera_id, coalesce(t.stored_bytes, 0) AS stored_bytes,
             coalesce(t.stored_objects, 0) AS stored_objects,
             coalesce(d.puts, 0) + coalesce(t.pending_puts, 0) AS puts,
             coalesce(d.bytes_in, 0) + coalesce(t.pending_bytes_in, 0) AS bytes_in,
             coalesce(d.deletes, 0) + coalesce(t.pending_deletes, 0) AS deletes,
             coalesce(d.bytes_deleted, 0) + coalesce(t.pending_bytes_deleted, 0) AS bytes_deleted,
             coalesce(d.byte_hours, 0) + coalesce(t.pending_byte_hours, 0) AS byte_hours,
             coalesce(d.playback_requests, 0) AS playback_requests,
             coalesce(d.segments_served, 0) AS segments_served, coalesce(d.bytes_served, 0) AS bytes_served
      FROM (SELECT camera_id, sum(puts)::bigint AS puts, sum(bytes_in)::bigint AS bytes_in,
                   sum(deletes)::bigint AS deletes, sum(bytes_deleted)::bigint AS bytes_deleted,
                   sum(byte_hours) AS byte_hours, sum(playback_requests)::bigint AS playback_requests,
                   sum(segments_served)::bigint AS segments_served, sum(bytes_served)::bigint AS bytes_served
            FROM ingest.usage_daily_v1
            WHERE day >= $1::date AND day < $2::date AND ($3::text IS NULL OR camera_id = $3::text)
            GROUP BY camera_id) d
      FULL JOIN (SELECT camera_id, stored_bytes, stored_objects,
                        CASE WHEN today THEN pending_puts ELSE 0 END AS pending_puts,
                        CASE WHEN today THEN pending_bytes_in ELSE 0 END AS pending_bytes_in,
                        CASE WHEN today THEN pending_deletes ELSE 0 END AS pending_deletes,
                        CASE WHEN today THEN pending_bytes_deleted ELSE 0 END AS pending_bytes_deleted,
                        CASE WHEN today THEN pending_byte_hours ELSE 0 END AS pending_byte_hours
                 FROM ingest.usage_totals_v1,
                      LATERAL (SELECT (now() AT TIME ZONE 'UTC')::date >= $1::date
                                      AND (now() AT TIME ZONE 'UTC')::date < $2::date AS today) p
                 WHERE $3::text IS NULL OR camera_id = $3::text) t
        ON t.camera_id = d.camera_id
      ORDER BY 1""";
  /** One camera's days in [$2, $3] (UTC), each day present; what is not rolled yet counts today. */
  static final String DAYS = """
      SELECT g.day::date::text AS camera_id, coalesce(t.stored_bytes, 0) AS stored_bytes,
             coalesce(t.stored_objects, 0) AS stored_objects,
             coalesce(d.puts, 0) + CASE WHEN today THEN coalesce(t.pending_puts, 0) ELSE 0 END AS puts,
             coalesce(d.bytes_in, 0) + CASE WHEN today THEN coalesce(t.pending_bytes_in, 0) ELSE 0 END AS bytes_in,
             coalesce(d.deletes, 0) + CASE WHEN today THEN coalesce(t.pending_deletes, 0) ELSE 0 END AS deletes,
             coalesce(d.bytes_deleted, 0)
               + CASE WHEN today THEN coalesce(t.pending_bytes_deleted, 0) ELSE 0 END AS bytes_deleted,
             coalesce(d.byte_hours, 0)
               + CASE WHEN today THEN coalesce(t.pending_byte_hours, 0) ELSE 0 END AS byte_hours,
             coalesce(d.playback_requests, 0) AS playback_requests,
             coalesce(d.segments_served, 0) AS segments_served, coalesce(d.bytes_served, 0) AS bytes_served
      FROM generate_series($2::date::timestamp, $3::date::timestamp, interval '1 day') AS g(day)
      CROSS JOIN LATERAL (SELECT g.day::date = (now() AT TIME ZONE 'UTC')::date AS today) x
      LEFT JOIN ingest.usage_totals_v1 t ON t.camera_id = $1
      LEFT JOIN ingest.usage_daily_v1 d ON d.camera_id = $1 AND d.day = g.day::date
      ORDER BY g.day""";

  /** Every camera that belongs to an account now (ingest V41; no rows without the registry). */
  static final String ACCOUNTS = "SELECT camera_id, account_id FROM ingest.camera_accounts_v1()";

  private final Pool pool;

  public UsageReader(Pool pool) {
    this.pool = pool;
  }

  /** Every camera's usage in [from, to) (UTC days), by camera id. */
  public Future<List<CameraUsage>> period(LocalDate from, LocalDate to) {
    return pool.preparedQuery(PERIOD).execute(Tuple.of(from, to, null)).map(UsageReader::all);
  }

  /**
   * Each camera's account now (a camera without one is not a key). Usage is not split by time: a camera moved to
   * another account brings its whole period with it, as the account quotas count what an account holds now.
   */
  public Future<Map<String, String>> accounts() {
    return pool.query(ACCOUNTS).execute().map(rows -> {
      Map<String, String> out = new HashMap<>();
      for (Row r : rows) out.put(r.getString("camera_id"), r.getString("account_id"));
      return out;
    });
  }

  /** One camera's usage in [from, to); empty when it never stored anything. */
  public Future<Optional<CameraUsage>> camera(String cameraId, LocalDate from, LocalDate to) {
    return pool.preparedQuery(PERIOD).execute(Tuple.of(from, to, cameraId))
        .map(rows -> all(rows).stream().findFirst());
  }

  /** One camera's usage per UTC day from {@code from} to {@code to} inclusive; the camera id field holds the day. */
  public Future<List<CameraUsage>> days(String cameraId, LocalDate from, LocalDate to) {
    return pool.preparedQuery(DAYS).execute(Tuple.of(cameraId, from, to)).map(UsageReader::all);
  }

  private static List<CameraUsage> all(Iterable<Row> rows) {
    List<CameraUsage> out = new ArrayList<>();
    for (Row r : rows) out.add(CameraUsage.from(r));
    return out;
  }

  /** Today in UTC, the days usage is kept in. */
  public static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }
}
