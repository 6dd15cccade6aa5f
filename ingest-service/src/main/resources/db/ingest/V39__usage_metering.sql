-- Usage metering (issue 19 item 1): what each camera stores and costs, kept where the facts happen and never found by
-- listing the bucket. Two tables:
--   * camera_usage: one row per camera with its current totals (bytes and objects stored now), so a quota check is
--     one primary-key lookup whatever the camera has recorded, and its running counters since metering began (PUTs
--     and their bytes, deletes and their bytes, byte-hours stored);
--   * camera_usage_daily: one row per camera and UTC day with what happened that day: PUTs, deletes, their bytes,
--     byte-hours, playback requests, segments handed out and bytes served.
-- Storage counters move in the transaction that changes the index: index_segments' batch (ingest's indexing
-- statement calls meter_storage once per batch: one UPDATE of the camera's totals row per camera per batch) and
-- delete_segments (below). The days are filled from the running counters by roll_usage_days, which ingest runs every
-- minute: the hot path writes one row per camera and batch, not two, and a day's row is written once a minute per
-- camera rather than once per batch. A day's figures therefore count what was rolled that day: at midnight up to one
-- roll interval lands on the next day. Readers add what is not rolled yet, so reports are exact to the second.
-- Byte-hours: at each change of stored bytes the bytes stored since the last change times the time since are added
-- (accrued_at marks it), so they are exact however often the bytes change; the roll accrues up to its own time too,
-- so a camera that records nothing still accrues its stored bytes.
-- Playback counters come from playlist-service, counted in memory and added every few seconds (meter_playback,
-- meter_handed_out), straight into the days.
-- Counting is per index row: an object named by two rows (V32) counts twice while both rows exist. An fMP4 init segment
-- (V34) counts as one object and one PUT when the first row naming it is indexed (metered_inits remembers which are
-- counted), and as one delete when retention deletes it; its size is not announced by cameras, so it adds no bytes (a
-- few hundred bytes per codec configuration). A segment's thumbnail (V37) likewise counts as an object and a PUT with
-- its segment, and as a delete when retention deletes it, without bytes (cameras do not announce its size).
CREATE TABLE camera_usage (
  camera_id            text             PRIMARY KEY,
  stored_bytes         bigint           NOT NULL DEFAULT 0,
  stored_objects       bigint           NOT NULL DEFAULT 0,
  puts                 bigint           NOT NULL DEFAULT 0,
  bytes_in             bigint           NOT NULL DEFAULT 0,
  deletes              bigint           NOT NULL DEFAULT 0,
  bytes_deleted        bigint           NOT NULL DEFAULT 0,
  -- byte-hours of stored_bytes accrued up to accrued_at
  byte_hours           double precision NOT NULL DEFAULT 0,
  accrued_at           timestamptz      NOT NULL DEFAULT now(),
  -- the running counters as the last roll left them in camera_usage_daily
  rolled_puts          bigint           NOT NULL DEFAULT 0,
  rolled_bytes_in      bigint           NOT NULL DEFAULT 0,
  rolled_deletes       bigint           NOT NULL DEFAULT 0,
  rolled_bytes_deleted bigint           NOT NULL DEFAULT 0,
  rolled_byte_hours    double precision NOT NULL DEFAULT 0
) WITH (fillfactor = 70); -- every batch rewrites its cameras' rows: room for HOT updates, as live_sequence (V33)

CREATE TABLE camera_usage_daily (
  camera_id         text             NOT NULL,
  day               date             NOT NULL, -- UTC
  puts              bigint           NOT NULL DEFAULT 0,
  bytes_in          bigint           NOT NULL DEFAULT 0,
  deletes           bigint           NOT NULL DEFAULT 0,
  bytes_deleted     bigint           NOT NULL DEFAULT 0,
  byte_hours        double precision NOT NULL DEFAULT 0,
  playback_requests bigint           NOT NULL DEFAULT 0,
  segments_served   bigint           NOT NULL DEFAULT 0,
  bytes_served      bigint           NOT NULL DEFAULT 0,
  PRIMARY KEY (camera_id, day)
) WITH (fillfactor = 70);

-- A month of every camera (the usage report).
CREATE INDEX camera_usage_daily_day ON camera_usage_daily (day);

-- The init segments counted as stored objects: a row is added by the first indexed segment naming it (INSERT ... ON
-- CONFLICT DO NOTHING: exact under concurrent batches), removed when retention deletes the object.
CREATE TABLE metered_inits (
  init_key  text PRIMARY KEY,
  camera_id text NOT NULL
);


-- Adds stored objects and bytes (PUTs) and removes them (deletes), per camera (a camera may appear several times: its
-- entries are summed): one upsert of each camera's totals row, in camera order. The byte-hours of the bytes stored
-- until now are accrued first (the SET expressions read the row as it was). Callers that change a camera's segments
-- hold its recordings lock already (index_segments, delete_segments), so no two of them interleave.
CREATE FUNCTION meter_storage(p_camera text[], p_put_objects bigint[], p_put_bytes bigint[], p_deleted_objects bigint[],
                              p_deleted_bytes bigint[])
RETURNS void
LANGUAGE sql
SET search_path = ${flyway:defaultSchema}
AS $$
  INSERT INTO camera_usage AS u (camera_id, stored_bytes, stored_objects, puts, bytes_in, deletes, bytes_deleted)
  SELECT c, sum(pb - db), sum(po - dob), sum(po), sum(pb), sum(dob), sum(db)
  FROM unnest(p_camera, p_put_objects, p_put_bytes, p_deleted_objects, p_deleted_bytes) AS t(c, po, pb, dob, db)
  GROUP BY c ORDER BY c
  ON CONFLICT (camera_id) DO UPDATE
    SET byte_hours = u.byte_hours + u.stored_bytes * extract(epoch FROM now() - u.accrued_at) / 3600,
        accrued_at = now(),
        stored_bytes = u.stored_bytes + excluded.stored_bytes,
        stored_objects = u.stored_objects + excluded.stored_objects,
        puts = u.puts + excluded.puts, bytes_in = u.bytes_in + excluded.bytes_in,
        deletes = u.deletes + excluded.deletes, bytes_deleted = u.bytes_deleted + excluded.bytes_deleted
$$;

-- Moves what every camera's running counters gained since the last roll into today's row (UTC), byte-hours accrued up
-- to now first; returns how many cameras had something to move. Safe to run on several instances at once: the rows are
-- locked in camera order, and a second roll finds nothing new.
CREATE FUNCTION roll_usage_days()
RETURNS integer
LANGUAGE sql
SET search_path = ${flyway:defaultSchema}
AS $$
  WITH old AS (
    SELECT camera_id, puts - rolled_puts AS dp, bytes_in - rolled_bytes_in AS dbi, deletes - rolled_deletes AS dd,
           bytes_deleted - rolled_bytes_deleted AS dbd,
           byte_hours + stored_bytes * extract(epoch FROM now() - accrued_at) / 3600 AS bh, rolled_byte_hours
    FROM camera_usage
    WHERE puts <> rolled_puts OR deletes <> rolled_deletes OR stored_bytes <> 0
    ORDER BY camera_id FOR UPDATE
  ), moved AS (
    UPDATE camera_usage u
    SET byte_hours = o.bh, accrued_at = now(), rolled_puts = u.puts, rolled_bytes_in = u.bytes_in,
        rolled_deletes = u.deletes, rolled_bytes_deleted = u.bytes_deleted, rolled_byte_hours = o.bh
    FROM old o WHERE u.camera_id = o.camera_id
    RETURNING u.camera_id, o.dp, o.dbi, o.dd, o.dbd, o.bh - o.rolled_byte_hours AS dbh
  ), added AS (
    INSERT INTO camera_usage_daily AS y (camera_id, day, puts, bytes_in, deletes, bytes_deleted, byte_hours)
    SELECT camera_id, (now() AT TIME ZONE 'UTC')::date, dp, dbi, dd, dbd, dbh FROM moved ORDER BY camera_id
    ON CONFLICT (camera_id, day) DO UPDATE
      SET puts = y.puts + excluded.puts, bytes_in = y.bytes_in + excluded.bytes_in,
          deletes = y.deletes + excluded.deletes, bytes_deleted = y.bytes_deleted + excluded.bytes_deleted,
          byte_hours = y.byte_hours + excluded.byte_hours
    RETURNING 1
  )
  SELECT count(*)::integer FROM added
$$;

-- Playback counters from playlist-service instances, each adding what it counted since its last flush: additive, so
-- any number of instances sum correctly. SECURITY DEFINER: playlist-service's role needs EXECUTE on this function only,
-- never write access to ingest's tables.
CREATE FUNCTION meter_playback(p_camera text[], p_day date[], p_requests bigint[], p_segments bigint[],
                               p_bytes bigint[])
RETURNS void
LANGUAGE sql
SECURITY DEFINER
SET search_path = ${flyway:defaultSchema}
AS $$
  INSERT INTO camera_usage_daily AS y (camera_id, day, playback_requests, segments_served, bytes_served)
  SELECT c, d, sum(r), sum(s), sum(b)
  FROM unnest(p_camera, p_day, p_requests, p_segments, p_bytes) AS t(c, d, r, s, b)
  GROUP BY c, d ORDER BY c, d
  ON CONFLICT (camera_id, day) DO UPDATE
    SET playback_requests = y.playback_requests + excluded.playback_requests,
        segments_served = y.segments_served + excluded.segments_served,
        bytes_served = y.bytes_served + excluded.bytes_served
$$;

-- Retention's delete (V5) with the stored bytes and objects of the deleted rows metered in the same transaction, per
-- camera. Same signature and result, so an instance not upgraded yet meters too.
CREATE OR REPLACE FUNCTION delete_segments(p_camera text[], p_start timestamptz[], p_key text[])
RETURNS integer
LANGUAGE plpgsql
SET search_path = ${flyway:defaultSchema}
AS $$
DECLARE
  cam     text;
  deleted integer;
  m_cam   text[];
  m_n     bigint[];
  m_bytes bigint[];
BEGIN
  FOR cam IN SELECT DISTINCT c FROM unnest(p_camera) AS c ORDER BY c LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('ingest.recordings/' || cam, 0));
  END LOOP;

  WITH gone AS (
    DELETE FROM segments s
    USING unnest(p_camera, p_start, p_key) AS d(c, st, k)
    WHERE s.camera_id = d.c AND s.start_at = d.st AND s.object_key = d.k
    RETURNING s.camera_id, s.bytes
  ), per_camera AS (
    SELECT camera_id, count(*)::bigint AS n, sum(bytes)::bigint AS b FROM gone GROUP BY camera_id
  )
  SELECT array_agg(camera_id), array_agg(n), array_agg(b) INTO m_cam, m_n, m_bytes FROM per_camera;
  deleted := coalesce((SELECT sum(x) FROM unnest(m_n) AS x), 0);
  IF m_cam IS NOT NULL THEN
    PERFORM meter_storage(m_cam, array_fill(0::bigint, ARRAY[cardinality(m_cam)]),
                          array_fill(0::bigint, ARRAY[cardinality(m_cam)]), m_n, m_bytes);
  END IF;

  WITH touched AS (
    SELECT r.recording_id, r.camera_id, r.start_at, r.end_at
    FROM recordings r
    JOIN (SELECT c, max(st) AS latest FROM unnest(p_camera, p_start) AS d(c, st) GROUP BY c) d
      ON r.camera_id = d.c AND r.start_at <= d.latest
  ), remaining AS (
    SELECT t.recording_id, min(s.start_at) AS s, count(s.start_at)::integer AS n, coalesce(sum(s.bytes), 0) AS b
    FROM touched t
    LEFT JOIN segments s ON s.camera_id = t.camera_id AND s.start_at >= t.start_at AND s.start_at < t.end_at
    GROUP BY t.recording_id
  ), trimmed AS (
    UPDATE recordings r SET start_at = m.s, segment_count = m.n, bytes = m.b, updated_at = now()
    FROM remaining m WHERE r.recording_id = m.recording_id AND m.n > 0
      AND (r.start_at, r.segment_count, r.bytes) IS DISTINCT FROM (m.s, m.n, m.b)
  )
  DELETE FROM recordings r USING remaining m WHERE r.recording_id = m.recording_id AND m.n = 0;

  RETURN deleted;
END
$$;

-- What cameras stored before metering began: their totals from the index as it is now (a one-off scan at upgrade),
-- so stored bytes and quotas are right from the start; the days before have no daily rows.
INSERT INTO metered_inits (init_key, camera_id)
SELECT DISTINCT ON (init_key) init_key, camera_id FROM segments WHERE init_key IS NOT NULL ORDER BY init_key, start_at;
INSERT INTO camera_usage (camera_id, stored_bytes, stored_objects)
SELECT s.camera_id, sum(s.bytes),
       count(*) + count(s.thumbnail_key)
         + coalesce((SELECT count(*) FROM metered_inits m WHERE m.camera_id = s.camera_id), 0)
FROM segments s GROUP BY s.camera_id;

-- The read contract of usage (as V21's views): playlist-service shows a camera's storage to its viewers and meters
-- playback through meter_playback; columns are only ever added.
-- usage_totals_v1 has what is not rolled into the days yet (pending_*; byte-hours up to now): a reader adds it to today.
CREATE VIEW usage_totals_v1 AS
  SELECT camera_id, stored_bytes, stored_objects, puts - rolled_puts AS pending_puts,
         bytes_in - rolled_bytes_in AS pending_bytes_in, deletes - rolled_deletes AS pending_deletes,
         bytes_deleted - rolled_bytes_deleted AS pending_bytes_deleted,
         byte_hours + stored_bytes * extract(epoch FROM now() - accrued_at) / 3600 - rolled_byte_hours
           AS pending_byte_hours
  FROM camera_usage;
CREATE VIEW usage_daily_v1 AS
  SELECT camera_id, day, puts, bytes_in, deletes, bytes_deleted, byte_hours, playback_requests, segments_served,
         bytes_served
  FROM camera_usage_daily;

-- Presigned playback: playlist-service hands out links to segments and never sees their bytes; each segment handed out
-- counts with its size from the index (rows no longer indexed count without bytes). Additive like meter_playback.
CREATE FUNCTION meter_handed_out(p_camera text[], p_day date[], p_start timestamptz[], p_key text[])
RETURNS void
LANGUAGE sql
SECURITY DEFINER
SET search_path = ${flyway:defaultSchema}
AS $$
  INSERT INTO camera_usage_daily AS y (camera_id, day, segments_served, bytes_served)
  SELECT t.c, t.d, count(*), coalesce(sum(s.bytes), 0)
  FROM unnest(p_camera, p_day, p_start, p_key) AS t(c, d, st, k)
  LEFT JOIN segments s ON s.camera_id = t.c AND s.start_at = t.st AND s.object_key = t.k
  GROUP BY t.c, t.d ORDER BY t.c, t.d
  ON CONFLICT (camera_id, day) DO UPDATE
    SET segments_served = y.segments_served + excluded.segments_served,
        bytes_served = y.bytes_served + excluded.bytes_served
$$;
