package io.ipchls.kit.usage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one reader of usage, through ingest's read contract ({@code ingest.usage_totals_v1}, {@code usage_daily_v1},
 * V39__usage_metering.sql). Byte-hours include those not yet accrued into the daily rows: the bytes stored now from
 * the last accrual to the time of the read, so a report is exact to the second without writing anything.
 */
public final class UsageReader {
  /** Every camera with usage in [$1, $2) (UTC days) or bytes stored now; {@code $3} one camera, or null for all. */
  static final String PERIOD = """
      SELECT coalesce(d.camera_id, t.camera_id) AS camera_id, coalesce(t.stored_bytes, 0) AS stored_bytes,
             coalesce(t.stored_objects, 0) AS stored_objects, coalesce(d.puts, 0) AS puts,
             coalesce(d.bytes_in, 0) AS bytes_in, coalesce(d.deletes, 0) AS deletes,
             coalesce(d.bytes_deleted, 0) AS bytes_deleted,
             coalesce(d.byte_hours, 0) + coalesce(t.stored_bytes * greatest(0, extract(epoch FROM
                 least(now(), $2::date::timestamp AT TIME ZONE 'UTC')
                 - greatest(t.accrued_at, $1::date::timestamp AT TIME ZONE 'UTC'))) / 3600, 0) AS byte_hours,
             coalesce(d.playback_requests, 0) AS playback_requests,
             coalesce(d.segments_served, 0) AS segments_served, coalesce(d.bytes_served, 0) AS bytes_served
      FROM (SELECT camera_id, sum(puts)::bigint AS puts, sum(bytes_in)::bigint AS bytes_in,
                   sum(deletes)::bigint AS deletes, sum(bytes_deleted)::bigint AS bytes_deleted,
                   sum(byte_hours) AS byte_hours, sum(playback_requests)::bigint AS playback_requests,
                   sum(segments_served)::bigint AS segments_served, sum(bytes_served)::bigint AS bytes_served
            FROM ingest.usage_daily_v1
            WHERE day >= $1::date AND day < $2::date AND ($3::text IS NULL OR camera_id = $3::text)
            GROUP BY camera_id) d
      FULL JOIN (SELECT * FROM ingest.usage_totals_v1 WHERE $3::text IS NULL OR camera_id = $3::text) t
        ON t.camera_id = d.camera_id
      ORDER BY 1""";
  /** One camera's days in [$2, $3] (UTC), each day present, with what is not accrued yet on the days it fell in. */
  static final String DAYS = """
      SELECT g.day::date::text AS camera_id, coalesce(t.stored_bytes, 0) AS stored_bytes,
             coalesce(t.stored_objects, 0) AS stored_objects, coalesce(d.puts, 0) AS puts,
             coalesce(d.bytes_in, 0) AS bytes_in, coalesce(d.deletes, 0) AS deletes,
             coalesce(d.bytes_deleted, 0) AS bytes_deleted,
             coalesce(d.byte_hours, 0) + coalesce(p.hours * t.stored_bytes, 0) AS byte_hours,
             coalesce(d.playback_requests, 0) AS playback_requests,
             coalesce(d.segments_served, 0) AS segments_served, coalesce(d.bytes_served, 0) AS bytes_served
      FROM generate_series($2::date::timestamp, $3::date::timestamp, interval '1 day') AS g(day)
      LEFT JOIN ingest.usage_totals_v1 t ON t.camera_id = $1
      LEFT JOIN ingest.usage_daily_v1 d ON d.camera_id = $1 AND d.day = g.day::date
      LEFT JOIN LATERAL ingest.usage_days(t.accrued_at, now()) p ON p.day = g.day::date
      ORDER BY g.day""";

  private final Pool pool;

  public UsageReader(Pool pool) {
    this.pool = pool;
  }

  /** Every camera's usage in [from, to) (UTC days), by camera id. */
  public Future<List<CameraUsage>> period(LocalDate from, LocalDate to) {
    return pool.preparedQuery(PERIOD).execute(Tuple.of(from, to, null)).map(UsageReader::all);
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
