-- Indexing per batch, not per row (issue 14 item 4: ingest close to the broker's limit). Same rules, same results,
-- same signatures as V31; what changes is how PostgreSQL gets there (docs/PERFORMANCE.md "Ingest" has the measured
-- split this answers):
--   * number_live_segments numbers a batch with window functions and moves each camera's live_sequence row once per
--     batch (one upsert per camera) instead of an INSERT, a SELECT and an UPDATE per segment in a plpgsql loop, and
--     live_sequence leaves room for HOT updates;
--   * index_segments takes the camera locks in one statement, and finds each camera's recordings near its new
--     segments by index probes per camera (a lateral lookup the planner cannot turn into a scan of the whole
--     recordings table, which it did for a batch of many cameras: that scan grew with every recording kept), and
--     deletes recordings only when a batch merged some.
-- The older index_segments overloads (V3's 13 arguments, V30's 14) stay callable for instances not yet upgraded
-- (rolling upgrade, as V31 says); they are unchanged and a later migration drops them.

-- Room on each page of the counters, as recordings has (V3): every batch rewrites the row of each of its cameras, and
-- with full pages most of those updates were not HOT (a new index entry each time, and a table several times its
-- live size). New pages keep 30 % free; pages written before fill up as vacuum frees them.
ALTER TABLE live_sequence SET (fillfactor = 70);

-- The live numbering rule (LiveNumbering.java; V31 wrote it as a loop). Called by index_segments with the camera
-- locks held, with segments not indexed yet, each (camera, start, key) once. In each camera's (start, key) order:
--   * a segment starting more than p_late_ms before the camera's live edge (edge_start) is a backfill and gets no
--     number. Only the edge before the batch matters: a segment numbered earlier in the same batch starts no later
--     than this one, so it cannot move the edge past this one's start plus the allowance;
--   * the others get consecutive media_seq from next_media_seq;
--   * discontinuity_seq grows by one at each numbered segment after the camera's first that is marked (p_restart) or
--     starts more than p_tolerance_ms off the previous numbered one's end (the previous one in the batch, else the
--     camera's last_start/last_duration_ms): HlsPlaylist/LiveWindowState.continues.
-- Each camera with numbered segments has its live_sequence row written once: created, or moved to its last numbered
-- segment, the edge only ever growing.
CREATE OR REPLACE FUNCTION number_live_segments(p_camera text[], p_start timestamptz[], p_duration integer[],
    p_key text[], p_restart boolean[], p_late_ms integer, p_tolerance_ms integer)
RETURNS TABLE (live_camera text, live_start timestamptz, live_key text, live_media_seq bigint,
               live_discontinuity_seq bigint)
LANGUAGE sql
SET search_path = ${flyway:defaultSchema}
AS $$
  WITH live AS (
    SELECT t.c, t.s, t.d, t.k, coalesce(t.m, false) AS m,
           coalesce(q.next_media_seq, 0) AS next_seq, coalesce(q.last_discontinuity_seq, 0) AS last_disc,
           coalesce(lag(t.s) OVER w, q.last_start) AS prev_start,
           coalesce(lag(t.d) OVER w, q.last_duration_ms) AS prev_duration,
           row_number() OVER w - 1 AS i
    FROM unnest(p_camera, p_start, p_duration, p_key, p_restart) AS t(c, s, d, k, m)
    LEFT JOIN live_sequence q ON q.camera_id = t.c
    WHERE q.edge_start IS NULL OR t.s >= q.edge_start - p_late_ms * interval '1 millisecond'
    WINDOW w AS (PARTITION BY t.c ORDER BY t.s, t.k)
  ), numbered AS (
    SELECT c, s, d, k, next_seq + i AS media_seq,
           last_disc + sum(CASE WHEN prev_start IS NOT NULL
                                     AND (m OR abs(extract(epoch FROM s - (prev_start
                                                 + prev_duration * interval '1 millisecond')) * 1000) > p_tolerance_ms)
                                THEN 1 ELSE 0 END)
                         OVER (PARTITION BY c ORDER BY s, k ROWS UNBOUNDED PRECEDING) AS disc_seq
    FROM live
  ), moved AS (
    -- the camera's last numbered segment (the newest: numbered in start order) leaves the counters behind it
    INSERT INTO live_sequence AS q (camera_id, next_media_seq, last_discontinuity_seq, last_start, last_duration_ms,
                                    edge_start)
    SELECT DISTINCT ON (c) c, media_seq + 1, disc_seq, s, d, s
    FROM numbered ORDER BY c, s DESC, k DESC
    ON CONFLICT (camera_id) DO UPDATE
      SET next_media_seq = excluded.next_media_seq, last_discontinuity_seq = excluded.last_discontinuity_seq,
          last_start = excluded.last_start, last_duration_ms = excluded.last_duration_ms,
          edge_start = greatest(q.edge_start, excluded.edge_start)
  )
  SELECT c, s, k, media_seq, disc_seq FROM numbered
$$;

-- index_segments (V31's signature and results): the batch's new segments inserted once each, numbered for live
-- playback, folded into their cameras' recordings by the gap rule (V3: every segment inside exactly one recording of
-- its camera, two recordings more than the gap apart, a segment closing a gap merges them keeping the earlier id).
CREATE OR REPLACE FUNCTION index_segments(
    p_camera text[], p_start timestamptz[], p_duration integer[], p_key text[], p_bytes bigint[], p_sha text[],
    p_seq bigint[], p_codec text[], p_width integer[], p_height integer[], p_device timestamptz[],
    p_jump boolean[], p_discontinuity boolean[], p_gap_ms integer, p_late_ms integer, p_tolerance_ms integer)
RETURNS TABLE (camera text, start_at timestamptz, duration_ms integer, object_key text, discontinuity boolean,
               media_seq bigint, discontinuity_seq bigint)
LANGUAGE plpgsql
SET search_path = ${flyway:defaultSchema}
AS $$
#variable_conflict use_column
DECLARE
  gap     interval := p_gap_ms * interval '1 millisecond';
  f_cam   text[];
  f_start timestamptz[];
  f_dur   integer[];
  f_key   text[];
  f_mark  boolean[];
  l_cam   text[];
  l_start timestamptz[];
  l_key   text[];
  l_seq   bigint[];
  l_disc  bigint[];
  n_cam   text[];
  n_start timestamptz[];
  n_end   timestamptz[];
  n_bytes bigint[];
  n_dur   integer[];
  n_key   text[];
  n_mark  boolean[];
  n_seq   bigint[];
  n_disc  bigint[];
BEGIN
  -- the cameras' locks in camera-id order (the sorted rows are locked in the order the sort yields them), as every
  -- writer of a camera's segments, numbers and recordings takes them: no two transactions change one camera at once,
  -- and none deadlock
  PERFORM pg_advisory_xact_lock(hashtextextended('ingest.recordings/' || cams.c, 0))
  FROM (SELECT DISTINCT c FROM unnest(p_camera) AS c ORDER BY c) cams;

  -- the batch's segments not indexed yet (each once): with the camera locks held nobody else inserts them meanwhile
  -- (each with its mark as segments_v1.discontinuity reads it: the camera's restart flag or a clock step)
  SELECT array_agg(t.c), array_agg(t.s), array_agg(t.d), array_agg(t.k), array_agg(t.m)
  INTO f_cam, f_start, f_dur, f_key, f_mark
  FROM (SELECT DISTINCT ON (u.c, u.s, u.k) u.c, u.s, u.d, u.k, coalesce(u.di, false) OR coalesce(u.cj, false) AS m
        FROM unnest(p_camera, p_start, p_duration, p_key, p_discontinuity, p_jump) AS u(c, s, d, k, di, cj)
        WHERE NOT EXISTS (SELECT 1 FROM segments x WHERE x.camera_id = u.c AND x.start_at = u.s
                                                     AND x.object_key = u.k)) t;
  IF f_cam IS NULL THEN
    RETURN;
  END IF;
  SELECT array_agg(live_camera), array_agg(live_start), array_agg(live_key), array_agg(live_media_seq),
         array_agg(live_discontinuity_seq)
  INTO l_cam, l_start, l_key, l_seq, l_disc
  FROM number_live_segments(f_cam, f_start, f_dur, f_key, f_mark, p_late_ms, p_tolerance_ms);

  WITH ins AS (
    INSERT INTO segments (camera_id, start_at, duration_ms, object_key, bytes, sha256, seq, codec, width, height,
                          device_time, clock_jump, discontinuity, received_at, media_seq, discontinuity_seq)
    SELECT t.c, t.s, t.d, t.k, t.b, t.h, t.q, t.co, t.w, t.he, t.dt, t.cj, coalesce(t.di, false), now(), l.seq, l.disc
    FROM unnest(p_camera, p_start, p_duration, p_key, p_bytes, p_sha, p_seq, p_codec, p_width, p_height, p_device,
                p_jump, p_discontinuity) AS t(c, s, d, k, b, h, q, co, w, he, dt, cj, di)
    LEFT JOIN unnest(l_cam, l_start, l_key, l_seq, l_disc) AS l(c, s, k, seq, disc) USING (c, s, k)
    ON CONFLICT DO NOTHING
    RETURNING segments.camera_id, segments.start_at, segments.start_at + segments.duration_ms * interval '1 millisecond'
              AS end_at, segments.bytes, segments.duration_ms, segments.object_key,
              segments.discontinuity OR segments.clock_jump AS mark, segments.media_seq, segments.discontinuity_seq)
  SELECT array_agg(ins.camera_id), array_agg(ins.start_at), array_agg(ins.end_at), array_agg(ins.bytes),
         array_agg(ins.duration_ms), array_agg(ins.object_key), array_agg(ins.mark), array_agg(ins.media_seq),
         array_agg(ins.discontinuity_seq)
  INTO n_cam, n_start, n_end, n_bytes, n_dur, n_key, n_mark, n_seq, n_disc
  FROM ins;
  IF n_cam IS NULL THEN
    RETURN;
  END IF;

  -- the recordings: each camera's new segments with its recordings within the gap of them, split into islands by the
  -- gap; an island with new segments becomes one recording (its earliest existing one extended, the others merged
  -- into it, or a new one)
  WITH news AS (
    SELECT * FROM unnest(n_cam, n_start, n_end, n_bytes) AS t(c, s, e, b)
  ), span AS (
    SELECT c, min(s) - gap AS lo, max(e) + gap AS hi FROM news GROUP BY c
  ), items AS (
    SELECT c, NULL::bigint AS id, s, e, 1 AS n, b FROM news
    UNION ALL
    -- the camera's recordings overlapping [lo, hi]: those starting inside it, and (recordings never overlap) at most
    -- the one latest to start before lo; both by index probes per camera (OFFSET 0 keeps the first a lateral probe:
    -- flattened into a join it was planned as one scan of all recordings)
    SELECT p.* FROM span CROSS JOIN LATERAL (
      SELECT r.camera_id, r.recording_id, r.start_at, r.end_at, r.segment_count, r.bytes FROM recordings r
      WHERE r.camera_id = span.c AND r.start_at >= span.lo AND r.start_at <= span.hi OFFSET 0) p
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
    WHERE cardinality(i.ids) > 1 AND r.recording_id = ANY (i.ids) AND r.recording_id <> i.keep
  )
  INSERT INTO recordings (camera_id, start_at, end_at, segment_count, bytes)
  SELECT c, s, e, n, b FROM islands WHERE keep IS NULL;

  RETURN QUERY SELECT t.c, t.s, t.d, t.k, t.m, t.q, t.dq
               FROM unnest(n_cam, n_start, n_dur, n_key, n_mark, n_seq, n_disc) AS t(c, s, d, k, m, q, dq)
               ORDER BY t.c, t.q NULLS FIRST, t.s, t.k;
END
$$;
