-- Retention deletes an object only when no row inside retention references it (issue 14 item 7).
-- Two rows can name one object: a camera that announces a key again with another start time, or two cameras whose
-- prefixes overlapped before credential-service refused that. An expired row whose object a kept row still names
-- loses its row, never the object.

-- Finds the rows naming an object, across all daily partitions.
CREATE INDEX segments_object_key ON segments (object_key);

-- A camera's retention in days: its own (camera_settings), else the service's default.
CREATE FUNCTION retention_cutoff(p_camera text, default_days integer)
RETURNS timestamptz
LANGUAGE sql STABLE
SET search_path = ${flyway:defaultSchema}
AS $$
  SELECT now() - make_interval(days => coalesce((SELECT retention_days FROM camera_settings
                                                 WHERE camera_id = p_camera), default_days))
$$;

-- The oldest segments beyond their camera's retention, oldest first, each with object_kept: another row inside its
-- own camera's retention names the same object, so the sweeper deletes this row but leaves the object. The bound on
-- start_at with the shortest retention lets PostgreSQL skip partitions that cannot qualify.
CREATE FUNCTION expired_segment_rows(default_days integer, max_rows integer)
RETURNS TABLE (camera_id text, start_at timestamptz, object_key text, object_kept boolean)
LANGUAGE sql STABLE
SET search_path = ${flyway:defaultSchema}
AS $$
  SELECT s.camera_id, s.start_at, s.object_key,
         EXISTS (SELECT 1 FROM segments k
                 WHERE k.object_key = s.object_key
                   AND (k.camera_id, k.start_at) <> (s.camera_id, s.start_at)
                   AND k.start_at >= retention_cutoff(k.camera_id, default_days)) AS object_kept
  FROM segments s LEFT JOIN camera_settings c ON c.camera_id = s.camera_id
  WHERE s.start_at < now() - make_interval(days => (SELECT least(default_days, min(retention_days))
                                                     FROM camera_settings))
    AND s.start_at < now() - make_interval(days => coalesce(c.retention_days, default_days))
  ORDER BY s.start_at
  LIMIT max_rows
$$;

-- The V5 function that did not look for other rows naming the same object; nothing calls it any more.
DROP FUNCTION expired_segments(integer, integer);

-- Index files expire with their segments: a file lists its camera's segments starting in [period_start, period_end),
-- so once period_end is at or before the camera's retention cutoff every segment it lists is past retention (and
-- never earlier). object_kept as for segments: another index row inside retention names the same object.
CREATE INDEX index_files_period_end ON index_files (period_end);

CREATE FUNCTION expired_index_files(default_days integer, max_rows integer)
RETURNS TABLE (span_id bigint, period_start timestamptz, object_key text, object_kept boolean)
LANGUAGE sql STABLE
SET search_path = ${flyway:defaultSchema}
AS $$
  SELECT f.span_id, f.period_start, f.object_key,
         EXISTS (SELECT 1 FROM index_files k
                 WHERE k.object_key = f.object_key
                   AND (k.span_id, k.period_start) <> (f.span_id, f.period_start)
                   AND k.period_end > retention_cutoff(k.camera_id, default_days)) AS object_kept
  FROM index_files f
  WHERE f.period_end <= retention_cutoff(f.camera_id, default_days)
  ORDER BY f.period_end
  LIMIT max_rows
$$;

CREATE INDEX index_files_object_key ON index_files (object_key);
