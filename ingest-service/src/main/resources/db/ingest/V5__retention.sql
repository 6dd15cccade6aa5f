-- Retention: the sweeper deletes expired objects from the bucket first, then their rows with delete_segments, then
-- drops daily partitions that have become empty and lie wholly beyond every camera's retention. Deleting objects
-- before rows makes a crash in between harmless: the next sweep finds the same rows and deletes their (already
-- missing) objects again.

-- The oldest segments beyond their camera's retention (camera_settings.retention_days, else default_days), oldest
-- first. The bound on start_at with the shortest retention lets PostgreSQL skip partitions that cannot qualify.
CREATE FUNCTION expired_segments(default_days integer, max_rows integer)
RETURNS TABLE (camera_id text, start_at timestamptz, object_key text)
LANGUAGE sql STABLE
SET search_path = ${flyway:defaultSchema}
AS $$
  SELECT s.camera_id, s.start_at, s.object_key
  FROM segments s LEFT JOIN camera_settings c ON c.camera_id = s.camera_id
  WHERE s.start_at < now() - make_interval(days => (SELECT least(default_days, min(retention_days))
                                                     FROM camera_settings))
    AND s.start_at < now() - make_interval(days => coalesce(c.retention_days, default_days))
  ORDER BY s.start_at
  LIMIT max_rows
$$;

-- Deletes the given segments and trims their cameras' recordings (retention removes the oldest segments of a camera,
-- so a recording loses its beginning or disappears, never splits). Same per-camera advisory locks as
-- index_segments. Returns how many rows were deleted.
CREATE FUNCTION delete_segments(p_camera text[], p_start timestamptz[], p_key text[])
RETURNS integer
LANGUAGE plpgsql
SET search_path = ${flyway:defaultSchema}
AS $$
DECLARE
  cam     text;
  deleted integer;
BEGIN
  FOR cam IN SELECT DISTINCT c FROM unnest(p_camera) AS c ORDER BY c LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('ingest.recordings/' || cam, 0));
  END LOOP;

  DELETE FROM segments s
  USING unnest(p_camera, p_start, p_key) AS d(c, st, k)
  WHERE s.camera_id = d.c AND s.start_at = d.st AND s.object_key = d.k;
  GET DIAGNOSTICS deleted = ROW_COUNT;

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

-- Drops daily partitions (segments_YYYYMMDD) that are empty and end before now minus the longest retention any
-- camera has, so no camera can ever need that day again. Returns how many were dropped.
CREATE FUNCTION drop_expired_partitions(default_days integer)
RETURNS integer
LANGUAGE plpgsql
SET search_path = ${flyway:defaultSchema}
AS $$
DECLARE
  longest integer := (SELECT greatest(default_days, max(retention_days)) FROM camera_settings);
  part    text;
  empty   boolean;
  dropped integer := 0;
BEGIN
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'segments'::regclass AND c.relname ~ '^segments_[0-9]{8}$'
      AND to_date(substr(c.relname, 10), 'YYYYMMDD') + 1 <= (now() AT TIME ZONE 'UTC')::date - longest
  LOOP
    EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %I)', part) INTO empty;
    CONTINUE WHEN NOT empty;
    EXECUTE format('DROP TABLE %I', part);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END
$$;
