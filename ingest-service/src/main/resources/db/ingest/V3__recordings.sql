-- Recordings: each camera's runs of segments in which no gap between one segment's end and the next one's start
-- exceeds the recording gap (180 s by default, the Aliyun cloud-recording rule). Read by the recordings API and the
-- record-file queries, by camera and time range. Invariants kept by index_segments and trim_recordings below:
--   * every segment of a camera lies inside exactly one of its recordings;
--   * two recordings of one camera are more than the gap apart (a segment that closes the gap merges them).
CREATE TABLE recordings (
    recording_id  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    camera_id     text        NOT NULL,
    start_at      timestamptz NOT NULL,      -- start of its first segment
    end_at        timestamptz NOT NULL,      -- end (start + duration) of its last-ending segment
    segment_count integer     NOT NULL CHECK (segment_count > 0),
    bytes         bigint      NOT NULL CHECK (bytes > 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (end_at > start_at)
) WITH (fillfactor = 70);  -- room on each page: extending a recording (no indexed column changes) is a HOT update

-- "a camera's recordings that overlap [from, to)": camera_id = $1 AND start_at < $to AND end_at > $from
CREATE INDEX recordings_camera_start ON recordings (camera_id, start_at);

-- Segments indexed before this migration form their recordings with the default gap of 180 s.
INSERT INTO recordings (camera_id, start_at, end_at, segment_count, bytes)
SELECT camera_id, min(start_at), max(end_at), count(*), sum(bytes)
FROM (SELECT marked.*, sum(breaks) OVER (PARTITION BY camera_id ORDER BY start_at, end_at ROWS UNBOUNDED PRECEDING)
             AS island
      FROM (SELECT camera_id, start_at, end_at, bytes,
                   CASE WHEN start_at > max(end_at) OVER (PARTITION BY camera_id ORDER BY start_at, end_at
                                                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                                        + interval '180 seconds' THEN 1 ELSE 0 END AS breaks
            FROM (SELECT camera_id, start_at, start_at + duration_ms * interval '1 millisecond' AS end_at, bytes
                  FROM segments) s) marked) numbered
GROUP BY camera_id, island;

-- One batch of segment notifications, written in one statement (so one transaction and one round trip): inserts the
-- new segments (a redelivered one hits the primary key and is skipped) and folds each new segment into its camera's
-- recordings, extending, creating or merging them. Each camera's recordings change only under a transaction-scoped
-- advisory lock on that camera, taken in camera-id order, so instances writing the same cameras at once serialise
-- per camera and never deadlock. Returns each camera that got new segments, with how many.
CREATE FUNCTION index_segments(
    p_camera text[], p_start timestamptz[], p_duration integer[], p_key text[], p_bytes bigint[], p_sha text[],
    p_seq bigint[], p_codec text[], p_width integer[], p_height integer[], p_device timestamptz[],
    p_jump boolean[], p_gap_ms integer)
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
                          device_time, clock_jump, received_at)
    SELECT c, s, d, k, b, h, q, co, w, he, dt, cj, now()
    FROM unnest(p_camera, p_start, p_duration, p_key, p_bytes, p_sha, p_seq, p_codec, p_width, p_height, p_device,
                p_jump) AS t(c, s, d, k, b, h, q, co, w, he, dt, cj)
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
