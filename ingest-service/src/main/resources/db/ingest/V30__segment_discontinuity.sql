-- Camera restarts (issue 14 item 5). A camera flags the first segment whose timestamps do not continue the previous
-- one's (its process or encoder restarted, or its clock stepped: SegmentNotification.discontinuity), and playlists
-- put #EXT-X-DISCONTINUITY before it however small the gap, since a restart a few hundred ms after the last segment
-- ended is no gap by time and the player would otherwise decode across the reset timestamps.
ALTER TABLE segments ADD COLUMN discontinuity boolean NOT NULL DEFAULT false;

-- index_segments with the flags: as V3's, plus p_discontinuity (null entries count as false).
CREATE FUNCTION index_segments(
    p_camera text[], p_start timestamptz[], p_duration integer[], p_key text[], p_bytes bigint[], p_sha text[],
    p_seq bigint[], p_codec text[], p_width integer[], p_height integer[], p_device timestamptz[],
    p_jump boolean[], p_discontinuity boolean[], p_gap_ms integer)
RETURNS TABLE (camera text, new_segments integer)
LANGUAGE plpgsql
SET search_path = ${flyway:defaultSchema}
AS $$
DECLARE
  gap     interval := p_gap_ms * interval '1 millisecond';
  cam     text;
  n_cam   text[];
  n_start timestamptz[];
  n_end   timestamptz[];
  n_bytes bigint[];
BEGIN
  FOR cam IN SELECT DISTINCT c FROM unnest(p_camera) AS c ORDER BY c LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('ingest.recordings/' || cam, 0));
  END LOOP;

  WITH ins AS (
    INSERT INTO segments (camera_id, start_at, duration_ms, object_key, bytes, sha256, seq, codec, width, height,
                          device_time, clock_jump, discontinuity, received_at)
    SELECT c, s, d, k, b, h, q, co, w, he, dt, cj, coalesce(di, false), now()
    FROM unnest(p_camera, p_start, p_duration, p_key, p_bytes, p_sha, p_seq, p_codec, p_width, p_height, p_device,
                p_jump, p_discontinuity) AS t(c, s, d, k, b, h, q, co, w, he, dt, cj, di)
    ON CONFLICT DO NOTHING
    RETURNING segments.camera_id, segments.start_at, segments.start_at + segments.duration_ms * interval '1 millisecond'
              AS end_at, segments.bytes)
  SELECT array_agg(ins.camera_id), array_agg(ins.start_at), array_agg(ins.end_at), array_agg(ins.bytes)
  INTO n_cam, n_start, n_end, n_bytes
  FROM ins;
  IF n_cam IS NULL THEN
    RETURN;
  END IF;

  WITH news AS (
    SELECT * FROM unnest(n_cam, n_start, n_end, n_bytes) AS t(c, s, e, b)
  ), span AS (
    SELECT c, min(s) - gap AS lo, max(e) + gap AS hi FROM news GROUP BY c
  ), items AS (
    SELECT c, NULL::bigint AS id, s, e, 1 AS n, b FROM news
    UNION ALL
    -- the camera's recordings overlapping [lo, hi]: those starting inside it, and (recordings never overlap) at most
    -- the one latest to start before lo; both by index, however many recordings the camera has
    SELECT r.camera_id, r.recording_id, r.start_at, r.end_at, r.segment_count, r.bytes
    FROM span JOIN recordings r ON r.camera_id = span.c AND r.start_at >= span.lo AND r.start_at <= span.hi
    UNION ALL
    SELECT p.* FROM span CROSS JOIN LATERAL (
      SELECT r.camera_id, r.recording_id, r.start_at, r.end_at, r.segment_count, r.bytes FROM recordings r
      WHERE r.camera_id = span.c AND r.start_at < span.lo ORDER BY r.start_at DESC LIMIT 1) p
    WHERE p.end_at >= span.lo
  ), marked AS (
    SELECT items.*,
           CASE WHEN s > max(e) OVER (PARTITION BY c ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                         + gap THEN 1 ELSE 0 END AS breaks
    FROM items
  ), numbered AS (
    SELECT marked.*, sum(breaks) OVER (PARTITION BY c ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
    FROM marked
  ), islands AS (
    -- the island keeps the id of its earliest existing recording; the others merge into it
    SELECT c, (array_agg(id ORDER BY s, id) FILTER (WHERE id IS NOT NULL))[1] AS keep,
           array_agg(id) FILTER (WHERE id IS NOT NULL) AS ids,
           min(s) AS s, max(e) AS e, sum(n)::integer AS n, sum(b)::bigint AS b
    FROM numbered GROUP BY c, island
    HAVING bool_or(id IS NULL)
  ), extended AS (
    UPDATE recordings r SET start_at = i.s, end_at = i.e, segment_count = i.n, bytes = i.b, updated_at = now()
    FROM islands i WHERE r.recording_id = i.keep
  ), merged AS (
    DELETE FROM recordings r USING islands i
    WHERE r.recording_id = ANY (i.ids) AND r.recording_id <> i.keep
  )
  INSERT INTO recordings (camera_id, start_at, end_at, segment_count, bytes)
  SELECT c, s, e, n, b FROM islands WHERE keep IS NULL;

  RETURN QUERY SELECT c, count(*)::integer FROM unnest(n_cam) AS c GROUP BY c;
END
$$;

-- V3's signature stays for instances that still call it during a rolling upgrade; it writes no flags, and its
-- recordings logic is the function above (one home for it).
CREATE OR REPLACE FUNCTION index_segments(
    p_camera text[], p_start timestamptz[], p_duration integer[], p_key text[], p_bytes bigint[], p_sha text[],
    p_seq bigint[], p_codec text[], p_width integer[], p_height integer[], p_device timestamptz[],
    p_jump boolean[], p_gap_ms integer)
RETURNS TABLE (camera text, new_segments integer)
LANGUAGE sql
SET search_path = ${flyway:defaultSchema}
AS $$
  SELECT * FROM index_segments(p_camera, p_start, p_duration, p_key, p_bytes, p_sha, p_seq, p_codec, p_width,
                               p_height, p_device, p_jump, array_fill(false, ARRAY[cardinality(p_camera)]), p_gap_ms)
$$;

-- The read contract gains a column at its end (V21: columns are only ever added): a segment that does not continue
-- the previous one whatever the gap. A clock step (clock_jump, sent since wave 1) counts too, so older cameras'
-- clock steps are marked as well.
CREATE OR REPLACE VIEW segments_v1 AS
  SELECT camera_id, start_at, duration_ms, object_key, bytes, (discontinuity OR clock_jump) AS discontinuity
  FROM segments;
