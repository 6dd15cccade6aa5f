-- Ingest decides the common case of a batch itself, and PostgreSQL only stores it (issue 14 item 4: PostgreSQL's CPU
-- per indexed row). Measured, most of index_and_meter_segments' time (V45) went into moving each batch between its
-- steps (unnest, array_agg, joins by camera, start and key, windows) rather than into the rows it writes
-- (docs/PERFORMANCE.md, "Ingest"). For a camera whose new segments all come after its newest indexed one and form one
-- run by the gap rule (nearly every camera of nearly every batch of a fleet), the rules need nothing but the camera's
-- counters row and its latest recording, so ingest reads those once under the camera's lock, numbers the segments,
-- marks them and decides the recording (LiveNumbering, RecordingGapRule, MediaChange in ingest's indexing package), and
-- writes the outcome with plain statements: the rows, one update of the counters row, one update or insert of the
-- recording. Every other camera (new cameras, backfills, a batch that splits into recordings or starts before the
-- latest one) goes through index_and_meter_segments in the same transaction, as before. Both take the same locks in
-- the same order, so instances of both kinds (a rolling upgrade) serialise per camera as before.

-- Locks the cameras (as index_and_meter_segments does: transaction-scoped, camera-id order) and then reads, with a
-- snapshot taken after the locks, what ingest decides a camera's batch from: its counters row (null columns when it
-- has none) and its latest recording by start (null when it has none).
CREATE FUNCTION lock_and_read_cameras(p_camera text[])
RETURNS TABLE (camera text, newest_start timestamptz, newest_key text, newest_media text, next_media_seq bigint,
               last_discontinuity_seq bigint, last_start timestamptz, last_duration_ms integer,
               edge_start timestamptz, recording_id bigint, recording_start timestamptz, recording_end timestamptz)
LANGUAGE plpgsql
SET search_path = ${flyway:defaultSchema}
AS $$
#variable_conflict use_column
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('ingest.recordings/' || cams.c, 0))
  FROM (SELECT DISTINCT c FROM unnest(p_camera) AS c ORDER BY c) cams;
  -- a new statement: its snapshot sees every commit made before the locks were granted
  RETURN QUERY
  SELECT cams.c, q.newest_start, q.newest_key, q.newest_media, q.next_media_seq, q.last_discontinuity_seq,
         q.last_start, q.last_duration_ms, q.edge_start, r.recording_id, r.start_at, r.end_at
  FROM (SELECT DISTINCT c FROM unnest(p_camera) AS c) cams
  -- one index probe each (OFFSET 0: not flattened into a hash of the whole table, as in V45's filter)
  LEFT JOIN LATERAL (SELECT x.newest_start, x.newest_key, x.newest_media, x.next_media_seq, x.last_discontinuity_seq,
                            x.last_start, x.last_duration_ms, x.edge_start
                     FROM live_sequence x WHERE x.camera_id = cams.c OFFSET 0) q ON true
  LEFT JOIN LATERAL (SELECT x.recording_id, x.start_at, x.end_at FROM recordings x
                     WHERE x.camera_id = cams.c ORDER BY x.start_at DESC LIMIT 1) r ON true;
END
$$;
