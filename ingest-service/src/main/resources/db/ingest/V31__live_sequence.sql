-- Live sequence numbers, persisted per camera (issue 14 item 6). A live playlist numbers its segments
-- (EXT-X-MEDIA-SEQUENCE) and counts the discontinuities before its first one (EXT-X-DISCONTINUITY-SEQUENCE); both may
-- only grow (RFC 8216 §6.2.1, §6.2.2). Counting a camera's remaining rows is no sequence: retention deletes rows. So
-- ingest numbers each new segment once, when it indexes it, under the camera's advisory lock, and keeps the camera's
-- counters in live_sequence; any playlist instance, after any restart or eviction, reads the same numbers.
--   * media_seq: consecutive per camera, in the order segments join the live edge (commit order; time order within a
--     batch). A segment announced late but no more than p_late_ms before the camera's newest live segment joins at
--     the end with the next number (inserting it in time order would renumber the segments after it, which players
--     already hold); an older one (a backfill) gets no number: it is replay material only.
--   * discontinuity_seq: the discontinuities up to and including this segment in media_seq order, a discontinuity
--     being a segment after the camera's first numbered one that the camera marked as not continuing its
--     predecessor (V30: segments.discontinuity, or a clock step, clock_jump: segments_v1.discontinuity) or that does
--     not start within p_tolerance_ms of the previous numbered one's end (either direction). One rule with the
--     playlists' EXT-X-DISCONTINUITY (HlsPlaylist.continues, LiveWindowState.continues), so the stored numbers and
--     the tags agree.
ALTER TABLE segments ADD COLUMN media_seq bigint, ADD COLUMN discontinuity_seq bigint;

-- "a camera's live segments by number" (the live window: newest n, or those after a number)
CREATE INDEX segments_camera_media_seq ON segments (camera_id, media_seq) WHERE media_seq IS NOT NULL;

-- One row per camera ever numbered; never deleted by retention, so the numbers continue after its rows are gone.
CREATE TABLE live_sequence (
    camera_id              text PRIMARY KEY,
    next_media_seq         bigint      NOT NULL,   -- the number the camera's next live segment gets
    last_discontinuity_seq bigint      NOT NULL,   -- discontinuity_seq of the last numbered segment
    last_start             timestamptz,            -- the last numbered segment (continuity of the next one)
    last_duration_ms       integer,
    edge_start             timestamptz             -- the newest start of any numbered segment (the late-join rule)
);

-- Cameras indexed before this migration continue from the numbers playlist-service counted until now (rows before
-- the newest; gaps over 1 s and, after the first row, marked restarts or clock steps, as V30's reads counted), so a
-- live view open across the upgrade never sees its sequence go back; their existing rows keep no number (history).
INSERT INTO live_sequence (camera_id, next_media_seq, last_discontinuity_seq, last_start, last_duration_ms, edge_start)
SELECT camera_id, count(*), count(*) FILTER (WHERE brk),
       (array_agg(start_at ORDER BY start_at DESC, object_key DESC))[1],
       (array_agg(duration_ms ORDER BY start_at DESC, object_key DESC))[1], max(start_at)
FROM (SELECT camera_id, start_at, object_key, duration_ms,
             abs(extract(epoch FROM start_at - lag(start_at + duration_ms * interval '1 millisecond')
                   OVER (PARTITION BY camera_id ORDER BY start_at, object_key)) * 1000) > 1000
             OR ((discontinuity OR clock_jump)
                 AND row_number() OVER (PARTITION BY camera_id ORDER BY start_at, object_key) > 1) AS brk
      FROM segments) s
GROUP BY camera_id;

-- Numbers the given new segments (called by index_segments with the camera locks held, so one camera's numbers are
-- assigned by one transaction at a time). p_restart: the segment's mark (segments_v1.discontinuity: the camera's
-- restart flag or a clock step; null counts as false). Returns the numbered ones; moves the counters.
CREATE FUNCTION number_live_segments(p_camera text[], p_start timestamptz[], p_duration integer[], p_key text[],
    p_restart boolean[], p_late_ms integer, p_tolerance_ms integer)
RETURNS TABLE (live_camera text, live_start timestamptz, live_key text, live_media_seq bigint,
               live_discontinuity_seq bigint)
LANGUAGE plpgsql
SET search_path = ${flyway:defaultSchema}
AS $$
DECLARE
  r    record;
  q    live_sequence%ROWTYPE;
  brk  boolean;
BEGIN
  FOR r IN SELECT t.c, t.s, t.d, t.k, coalesce(t.m, false) AS m
           FROM unnest(p_camera, p_start, p_duration, p_key, p_restart) AS t(c, s, d, k, m)
           ORDER BY t.c, t.s, t.k LOOP
    INSERT INTO live_sequence (camera_id, next_media_seq, last_discontinuity_seq)
    VALUES (r.c, 0, 0) ON CONFLICT (camera_id) DO NOTHING;
    SELECT * INTO q FROM live_sequence WHERE camera_id = r.c;
    -- a backfill: older than the live edge by more than the late-join allowance
    CONTINUE WHEN q.edge_start IS NOT NULL AND r.s < q.edge_start - p_late_ms * interval '1 millisecond';
    -- the break check: a marked segment, or a start off the previous numbered one's end by more than the tolerance
    -- (HlsPlaylist/LiveWindowState.continues); the camera's first numbered segment has nothing to break from
    brk := q.last_start IS NOT NULL
           AND (r.m OR abs(extract(epoch FROM r.s
                  - (q.last_start + q.last_duration_ms * interval '1 millisecond')) * 1000) > p_tolerance_ms);
    live_camera := r.c;
    live_start := r.s;
    live_key := r.k;
    live_media_seq := q.next_media_seq;
    live_discontinuity_seq := q.last_discontinuity_seq + CASE WHEN brk THEN 1 ELSE 0 END;
    UPDATE live_sequence SET next_media_seq = live_media_seq + 1, last_discontinuity_seq = live_discontinuity_seq,
                             last_start = r.s, last_duration_ms = r.d,
                             edge_start = greatest(edge_start, r.s)
    WHERE camera_id = r.c;
    RETURN NEXT;
  END LOOP;
END
$$;

-- index_segments as in V30 (V3's with the restart marks), now also numbering the new segments for live playback and
-- returning every new segment (with its mark as segments_v1 reads it and its numbers, null for a backfill) instead of
-- a count per camera, so the SegmentsIndexed event carries them. An overload (two more arguments than V30's): V3's
-- 13-argument form stays (V30 made it a wrapper of V30's form), so ingest instances not yet upgraded keep indexing
-- during a rolling upgrade (their segments get no live number and no mark: replay only); a later migration drops
-- both older forms.

CREATE FUNCTION index_segments(
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
  cam     text;
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
  FOR cam IN SELECT DISTINCT c FROM unnest(p_camera) AS c ORDER BY c LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('ingest.recordings/' || cam, 0));
  END LOOP;

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


  RETURN QUERY SELECT t.c, t.s, t.d, t.k, t.m, t.q, t.dq
               FROM unnest(n_cam, n_start, n_dur, n_key, n_mark, n_seq, n_disc) AS t(c, s, d, k, m, q, dq)
               ORDER BY t.c, t.q NULLS FIRST, t.s, t.k;
END
$$;

-- The read contract grows by columns only (V21), after V30's discontinuity: playlist-service reads the numbers
-- through segments_v1 and the counters of cameras whose numbered rows are gone (retention) or not yet there through
-- live_sequence_v1.
CREATE OR REPLACE VIEW segments_v1 AS
  SELECT camera_id, start_at, duration_ms, object_key, bytes, (discontinuity OR clock_jump) AS discontinuity,
         media_seq, discontinuity_seq
  FROM segments;

CREATE VIEW live_sequence_v1 AS
  SELECT camera_id, next_media_seq, last_discontinuity_seq FROM live_sequence;
