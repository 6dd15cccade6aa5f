-- Each camera's newest indexed segment kept in its live counters' row (issue 14 item 4: PostgreSQL's time per indexed
-- row). Before this, index_segments asked the segments table two questions for every new segment before anything
-- else: "is it indexed already?" (a primary-key probe) and, for each camera's first segment of a batch, "what media
-- did the segment before it have?" (a backward probe into each day partition the lookup opened). Measured, that
-- filter was the largest part of the statement, a third of PostgreSQL's time (docs/PERFORMANCE.md, "Where
-- PostgreSQL's time goes"). Nearly every segment a camera announces comes after the newest one indexed for it, and
-- for those both answers follow from the newest one alone: nothing after it is indexed, and it is the predecessor
-- when it starts within the lookup's reach. The camera's live_sequence row, which the batch reads and rewrites
-- anyway, now keeps it:
--   * newest_start, newest_key: the greatest (start_at, object_key) ever indexed for the camera. Every insert into
--     segments goes through index_segments under the camera's lock and moves it forward; deletes (retention, quotas)
--     leave it, so it is never below an existing row, which is all the shortcut needs: no row after it exists;
--   * newest_media: that segment's media description as the predecessor lookup formats it (container, init segment,
--     codec, width, height), so a media change after it is marked as before.
-- A segment at or before the newest one (late, backfill, a redelivery) is probed and looked up as before.
-- The recordings part, the second largest, takes the same kind of shortcut: a camera's new segments that form one
-- island by the gap rule and start no earlier than its latest recording either grow that recording or start a new
-- one, decided from the latest recording alone (one backward index probe); only other cameras go through the general
-- fold (index_segments below).
-- Same rules and results as V37, with one deliberate difference: after retention has deleted a camera's newest
-- segment, the next segment's media is compared with that deleted one (what the camera sent before it) rather than
-- with an older row still there. IndexingShortcutTest runs the whole indexing statement here and on a schema
-- migrated to V43 with the same random traffic and compares every result.

ALTER TABLE live_sequence
  ADD COLUMN newest_start timestamptz,
  ADD COLUMN newest_key   text,
  ADD COLUMN newest_media text;

-- Cameras indexed before: their newest row now (one backward index probe per camera). A camera with no rows left
-- keeps nulls, and its segments take the probing path until its next numbered segment sets them.
UPDATE live_sequence q
SET newest_start = n.start_at, newest_key = n.object_key,
    newest_media = format('%s|%s|%s|%s|%s', n.container, n.init_key, n.codec, n.width, n.height)
FROM live_sequence c
CROSS JOIN LATERAL (SELECT s.start_at, s.object_key, s.container, s.init_key, s.codec, s.width, s.height
                    FROM segments s WHERE s.camera_id = c.camera_id
                    ORDER BY s.start_at DESC, s.object_key DESC LIMIT 1) n
WHERE q.camera_id = c.camera_id;

-- V33's numbering rule, unchanged, with each new segment's media description (p_media): the camera's row also moves
-- its newest segment forward to the batch's greatest (start, key), numbered or not. A camera whose new segments are
-- all backfills gets no upsert, and needs none: a backfill starts before the live edge, which is never after the
-- newest segment.
CREATE FUNCTION number_live_segments(p_camera text[], p_start timestamptz[], p_duration integer[], p_key text[],
    p_restart boolean[], p_media text[], p_late_ms integer, p_tolerance_ms integer)
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
    -- an index probe per row, never a hash of the whole table (see index_segments below)
    LEFT JOIN LATERAL (SELECT x.next_media_seq, x.last_discontinuity_seq, x.last_start, x.last_duration_ms,
                              x.edge_start
                       FROM live_sequence x WHERE x.camera_id = t.c OFFSET 0) q ON true
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
  ), newest AS (
    SELECT DISTINCT ON (c) c, s, k, f
    FROM unnest(p_camera, p_start, p_key, p_media) AS t(c, s, k, f)
    ORDER BY c, s DESC, k DESC
  ), moved AS (
    -- the camera's last numbered segment (the newest: numbered in start order) leaves the counters behind it
    INSERT INTO live_sequence AS q (camera_id, next_media_seq, last_discontinuity_seq, last_start, last_duration_ms,
                                    edge_start, newest_start, newest_key, newest_media)
    SELECT l.c, l.media_seq + 1, l.disc_seq, l.s, l.d, l.s, n.s, n.k, n.f
    FROM (SELECT DISTINCT ON (c) c, s, d, k, media_seq, disc_seq FROM numbered ORDER BY c, s DESC, k DESC) l
    JOIN newest n ON n.c = l.c
    ON CONFLICT (camera_id) DO UPDATE
      SET next_media_seq = excluded.next_media_seq, last_discontinuity_seq = excluded.last_discontinuity_seq,
          last_start = excluded.last_start, last_duration_ms = excluded.last_duration_ms,
          edge_start = greatest(q.edge_start, excluded.edge_start),
          newest_start = CASE WHEN q.newest_start IS NULL OR (excluded.newest_start, excluded.newest_key)
                                                                > (q.newest_start, q.newest_key)
                              THEN excluded.newest_start ELSE q.newest_start END,
          newest_key = CASE WHEN q.newest_start IS NULL OR (excluded.newest_start, excluded.newest_key)
                                                              > (q.newest_start, q.newest_key)
                            THEN excluded.newest_key ELSE q.newest_key END,
          newest_media = CASE WHEN q.newest_start IS NULL OR (excluded.newest_start, excluded.newest_key)
                                                                > (q.newest_start, q.newest_key)
                              THEN excluded.newest_media ELSE q.newest_media END
  )
  SELECT c, s, k, media_seq, disc_seq FROM numbered
$$;

-- V37's index_segments (same signature, rules and results) with the shortcut above. The signatures of V33 and V34
-- call this one, so they take it too.
CREATE OR REPLACE FUNCTION index_segments(
    p_camera text[], p_start timestamptz[], p_duration integer[], p_key text[], p_bytes bigint[], p_sha text[],
    p_seq bigint[], p_codec text[], p_width integer[], p_height integer[], p_device timestamptz[],
    p_jump boolean[], p_discontinuity boolean[], p_container text[], p_init text[], p_frame_rate double precision[],
    p_key_frame_offset bigint[], p_key_frame_length bigint[], p_thumbnail text[],
    p_gap_ms integer, p_late_ms integer, p_tolerance_ms integer)
RETURNS TABLE (camera text, start_at timestamptz, duration_ms integer, object_key text, discontinuity boolean,
               media_seq bigint, discontinuity_seq bigint, container text, init_key text, codec text, width integer,
               height integer, frame_rate double precision)
LANGUAGE plpgsql
SET search_path = ${flyway:defaultSchema}
AS $$
#variable_conflict use_column
DECLARE
  gap     interval := p_gap_ms * interval '1 millisecond';
  -- how far before a segment's start its predecessor may begin and still be near: the longest segment (the schema's
  -- CHECK) plus the continuity tolerance
  near    interval := (60000 + p_tolerance_ms) * interval '1 millisecond';
  f_cam   text[];
  f_start timestamptz[];
  f_dur   integer[];
  f_key   text[];
  f_mark  boolean[];
  f_media boolean[];
  f_desc  text[];
  slow    text[];
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
  n_cont  text[];
  n_init  text[];
  n_codec text[];
  n_w     integer[];
  n_h     integer[];
  n_fps   double precision[];
BEGIN
  -- the cameras' locks in camera-id order, as every writer of a camera's segments, numbers and recordings takes them
  PERFORM pg_advisory_xact_lock(hashtextextended('ingest.recordings/' || cams.c, 0))
  FROM (SELECT DISTINCT c FROM unnest(p_camera) AS c ORDER BY c) cams;

  -- the batch's segments not indexed yet (each once), each with its media compared to its predecessor's and its mark
  -- as segments_v1.discontinuity reads it: the camera's restart flag, a clock step or a media change. A segment after
  -- the camera's newest indexed one (nearly every segment) is new without a probe into segments, and its
  -- predecessor is that newest one (if it starts within `near`); any other segment is probed and its predecessor
  -- looked up as before.
  SELECT array_agg(t.c), array_agg(t.s), array_agg(t.d), array_agg(t.k), array_agg(t.m OR t.mc), array_agg(t.mc),
         array_agg(t.f)
  INTO f_cam, f_start, f_dur, f_key, f_mark, f_media, f_desc
  FROM (
    SELECT v.c, v.s, v.d, v.k, v.m, v.f,
           coalesce(coalesce(lag(v.f) OVER w,
                             CASE WHEN lag(v.c) OVER w IS NULL THEN
                               CASE WHEN v.s > v.newest_start THEN
                                 CASE WHEN v.newest_start >= v.s - near THEN v.newest_media END
                               ELSE (
                                 SELECT format('%s|%s|%s|%s|%s', x.container, x.init_key, x.codec, x.width, x.height)
                                 FROM segments x
                                 WHERE x.camera_id = v.c AND x.start_at < v.s AND x.start_at >= v.s - near
                                 ORDER BY x.start_at DESC, x.object_key DESC LIMIT 1) END END) <> v.f, false) AS mc
    FROM (SELECT DISTINCT ON (u.c, u.s, u.k) u.c, u.s, u.d, u.k,
                 coalesce(u.di, false) OR coalesce(u.cj, false) AS m,
                 format('%s|%s|%s|%s|%s', coalesce(u.ct, 'ts'), u.i, u.co, u.w, u.he) AS f,
                 q.newest_start, q.newest_media
          FROM unnest(p_camera, p_start, p_duration, p_key, p_discontinuity, p_jump, p_container, p_init, p_codec,
                      p_width, p_height) AS u(c, s, d, k, di, cj, ct, i, co, w, he)
          -- one index probe per row (OFFSET 0 keeps the lookup from being flattened: for a batch of a thousand
          -- cameras the planner otherwise hashes the whole live_sequence table, a scan of every camera's row)
          LEFT JOIN LATERAL (SELECT x.newest_start, x.newest_key, x.newest_media FROM live_sequence x
                             WHERE x.camera_id = u.c OFFSET 0) q ON true
          WHERE CASE WHEN (u.s, u.k) > (q.newest_start, q.newest_key) THEN true
                     ELSE NOT EXISTS (SELECT 1 FROM segments x WHERE x.camera_id = u.c AND x.start_at = u.s
                                                                 AND x.object_key = u.k) END) v
    WINDOW w AS (PARTITION BY v.c ORDER BY v.s, v.k)) t;
  IF f_cam IS NULL THEN
    RETURN;
  END IF;
  SELECT array_agg(live_camera), array_agg(live_start), array_agg(live_key), array_agg(live_media_seq),
         array_agg(live_discontinuity_seq)
  INTO l_cam, l_start, l_key, l_seq, l_disc
  FROM number_live_segments(f_cam, f_start, f_dur, f_key, f_mark, f_desc, p_late_ms, p_tolerance_ms);

  WITH ins AS (
    INSERT INTO segments (camera_id, start_at, duration_ms, object_key, bytes, sha256, seq, codec, width, height,
                          device_time, clock_jump, discontinuity, received_at, media_seq, discontinuity_seq,
                          container, init_key, frame_rate, media_change, key_frame_offset, key_frame_length,
                          thumbnail_key)
    SELECT t.c, t.s, t.d, t.k, t.b, t.h, t.q, t.co, t.w, t.he, t.dt, t.cj, coalesce(t.di, false), now(), l.seq, l.disc,
           coalesce(t.ct, 'ts'), t.i, t.fr, coalesce(f.mc, false), t.ko, t.kl, t.th
    FROM unnest(p_camera, p_start, p_duration, p_key, p_bytes, p_sha, p_seq, p_codec, p_width, p_height, p_device,
                p_jump, p_discontinuity, p_container, p_init, p_frame_rate, p_key_frame_offset, p_key_frame_length,
                p_thumbnail)
         AS t(c, s, d, k, b, h, q, co, w, he, dt, cj, di, ct, i, fr, ko, kl, th)
    LEFT JOIN unnest(l_cam, l_start, l_key, l_seq, l_disc) AS l(c, s, k, seq, disc) USING (c, s, k)
    LEFT JOIN unnest(f_cam, f_start, f_key, f_media) AS f(c, s, k, mc) USING (c, s, k)
    ON CONFLICT DO NOTHING
    RETURNING segments.camera_id, segments.start_at, segments.start_at + segments.duration_ms * interval '1 millisecond'
              AS end_at, segments.bytes, segments.duration_ms, segments.object_key,
              segments.discontinuity OR segments.clock_jump OR segments.media_change AS mark, segments.media_seq,
              segments.discontinuity_seq, segments.container, segments.init_key, segments.codec, segments.width,
              segments.height, segments.frame_rate)
  SELECT array_agg(ins.camera_id), array_agg(ins.start_at), array_agg(ins.end_at), array_agg(ins.bytes),
         array_agg(ins.duration_ms), array_agg(ins.object_key), array_agg(ins.mark), array_agg(ins.media_seq),
         array_agg(ins.discontinuity_seq), array_agg(ins.container), array_agg(ins.init_key), array_agg(ins.codec),
         array_agg(ins.width), array_agg(ins.height), array_agg(ins.frame_rate)
  INTO n_cam, n_start, n_end, n_bytes, n_dur, n_key, n_mark, n_seq, n_disc, n_cont, n_init, n_codec, n_w, n_h, n_fps
  FROM ins;
  IF n_cam IS NULL THEN
    RETURN;
  END IF;

  -- the recordings. First the two cases of nearly every batch, decided per camera from its latest recording (one
  -- backward index probe): the camera's new segments form one island by the gap rule and either continue its latest
  -- recording (they start inside it or within the gap after its end: it grows) or start more than the gap after it
  -- (a new recording). The gap rule gives exactly that there: the recordings are more than the gap apart, so no
  -- other one is near. Any other camera (new segments before its latest recording's start, or splitting into
  -- islands) is folded as V33 does, below.
  WITH news AS (
    SELECT * FROM unnest(n_cam, n_start, n_end, n_bytes) AS t(c, s, e, b)
  ), breaks AS (
    SELECT c, s, e, b,
           s > max(e) OVER (PARTITION BY c ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + gap AS brk
    FROM news
  ), per_camera AS (
    SELECT c, min(s) AS s, max(e) AS e, count(*)::integer AS n, sum(b)::bigint AS b, NOT coalesce(bool_or(brk), false) AS single
    FROM breaks GROUP BY c
  ), latest AS (
    SELECT p.*, l.recording_id AS id, l.start_at AS ls, l.end_at AS le
    FROM per_camera p LEFT JOIN LATERAL (
      SELECT r.recording_id, r.start_at, r.end_at FROM recordings r
      WHERE r.camera_id = p.c ORDER BY r.start_at DESC LIMIT 1) l ON true
  ), grown AS (
    UPDATE recordings r
    SET end_at = greatest(r.end_at, l.e), segment_count = r.segment_count + l.n, bytes = r.bytes + l.b,
        updated_at = now()
    FROM latest l
    WHERE r.recording_id = l.id AND l.single AND l.s >= l.ls AND l.s <= l.le + gap
  ), started AS (
    INSERT INTO recordings (camera_id, start_at, end_at, segment_count, bytes)
    SELECT c, s, e, n, b FROM latest l WHERE l.single AND (l.id IS NULL OR l.s > l.le + gap)
  )
  SELECT array_agg(c) INTO slow FROM latest l WHERE NOT l.single OR (l.id IS NOT NULL AND l.s < l.ls);
  IF slow IS NULL THEN
    RETURN QUERY SELECT t.c, t.s, t.d, t.k, t.m, t.q, t.dq, t.ct, t.i, t.co, t.w, t.h, t.fr
                 FROM unnest(n_cam, n_start, n_dur, n_key, n_mark, n_seq, n_disc, n_cont, n_init, n_codec, n_w, n_h,
                             n_fps) AS t(c, s, d, k, m, q, dq, ct, i, co, w, h, fr)
                 ORDER BY t.c, t.q NULLS FIRST, t.s, t.k;
    RETURN;
  END IF;

  -- the other cameras' recordings, exactly as V33 folds them (see there)
  WITH news AS (
    SELECT * FROM unnest(n_cam, n_start, n_end, n_bytes) AS t(c, s, e, b) WHERE t.c = ANY (slow)
  ), span AS (
    SELECT c, min(s) - gap AS lo, max(e) + gap AS hi FROM news GROUP BY c
  ), items AS (
    SELECT c, NULL::bigint AS id, s, e, 1 AS n, b FROM news
    UNION ALL
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

  RETURN QUERY SELECT t.c, t.s, t.d, t.k, t.m, t.q, t.dq, t.ct, t.i, t.co, t.w, t.h, t.fr
               FROM unnest(n_cam, n_start, n_dur, n_key, n_mark, n_seq, n_disc, n_cont, n_init, n_codec, n_w, n_h,
                           n_fps) AS t(c, s, d, k, m, q, dq, ct, i, co, w, h, fr)
               ORDER BY t.c, t.q NULLS FIRST, t.s, t.k;
END
$$;


-- V3's and V30's index_segments (13 and 14 arguments) inserted into segments themselves, without live numbers since
-- V31 and now without moving the newest segment, which the shortcut above relies on. No ingest since V31 calls them
-- (V33 kept them for a rolling upgrade from V30, long past): they go, so nothing writes segments around the rules.
DROP FUNCTION index_segments(text[], timestamptz[], integer[], text[], bigint[], text[], bigint[], text[], integer[],
                             integer[], timestamptz[], boolean[], integer);
DROP FUNCTION index_segments(text[], timestamptz[], integer[], text[], bigint[], text[], bigint[], text[], integer[],
                             integer[], timestamptz[], boolean[], boolean[], integer);
