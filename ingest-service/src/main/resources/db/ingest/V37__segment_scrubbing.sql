-- Scrubbing (issue 18 item 3): where each segment's first key frame lies in its bytes, for the I-frame playlists
-- (RFC 8216 §4.3.3.6 EXT-X-I-FRAMES-ONLY with §4.3.2.2 EXT-X-BYTERANGE), and the object key of its thumbnail, a small
-- JPEG the camera uploaded under its own prefix. Both optional: older cameras announce neither.
ALTER TABLE segments
  ADD COLUMN key_frame_offset bigint,
  ADD COLUMN key_frame_length bigint,
  ADD COLUMN thumbnail_key    text,
  ADD CONSTRAINT segments_key_frame_inside CHECK (
    (key_frame_offset IS NULL) = (key_frame_length IS NULL)
    AND key_frame_offset >= 0 AND key_frame_length > 0 AND key_frame_offset + key_frame_length <= bytes);

-- The thumbnail nearest a time, and the scrubbing listing: a camera's segments with a thumbnail, by time (most rows of
-- a camera that sends thumbnails have one; a camera that does not costs nothing here).
CREATE INDEX segments_thumbnail ON segments (camera_id, start_at) WHERE thumbnail_key IS NOT NULL;

-- index_segments with V34's rules and results, plus each segment's key frame range and thumbnail key stored.
CREATE FUNCTION index_segments(
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
  -- as segments_v1.discontinuity reads it: the camera's restart flag, a clock step or a media change
  SELECT array_agg(t.c), array_agg(t.s), array_agg(t.d), array_agg(t.k), array_agg(t.m OR t.mc), array_agg(t.mc)
  INTO f_cam, f_start, f_dur, f_key, f_mark, f_media
  FROM (
    SELECT v.c, v.s, v.d, v.k, v.m,
           coalesce(coalesce(lag(v.f) OVER w,
                             CASE WHEN lag(v.c) OVER w IS NULL THEN (
                               SELECT format('%s|%s|%s|%s|%s', x.container, x.init_key, x.codec, x.width, x.height)
                               FROM segments x
                               WHERE x.camera_id = v.c AND x.start_at < v.s AND x.start_at >= v.s - near
                               ORDER BY x.start_at DESC, x.object_key DESC LIMIT 1) END) <> v.f, false) AS mc
    FROM (SELECT DISTINCT ON (u.c, u.s, u.k) u.c, u.s, u.d, u.k,
                 coalesce(u.di, false) OR coalesce(u.cj, false) AS m,
                 format('%s|%s|%s|%s|%s', coalesce(u.ct, 'ts'), u.i, u.co, u.w, u.he) AS f
          FROM unnest(p_camera, p_start, p_duration, p_key, p_discontinuity, p_jump, p_container, p_init, p_codec,
                      p_width, p_height) AS u(c, s, d, k, di, cj, ct, i, co, w, he)
          WHERE NOT EXISTS (SELECT 1 FROM segments x WHERE x.camera_id = u.c AND x.start_at = u.s
                                                       AND x.object_key = u.k)) v
    WINDOW w AS (PARTITION BY v.c ORDER BY v.s, v.k)) t;
  IF f_cam IS NULL THEN
    RETURN;
  END IF;
  SELECT array_agg(live_camera), array_agg(live_start), array_agg(live_key), array_agg(live_media_seq),
         array_agg(live_discontinuity_seq)
  INTO l_cam, l_start, l_key, l_seq, l_disc
  FROM number_live_segments(f_cam, f_start, f_dur, f_key, f_mark, p_late_ms, p_tolerance_ms);

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

  -- the recordings, exactly as V33 folds them (see there)
  WITH news AS (
    SELECT * FROM unnest(n_cam, n_start, n_end, n_bytes) AS t(c, s, e, b)
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

-- V34's signature stays for instances not upgraded yet (rolling upgrade): their notifications carry neither field;
-- one home for the rules, the function above. (V33's signature calls this one.)
CREATE OR REPLACE FUNCTION index_segments(
    p_camera text[], p_start timestamptz[], p_duration integer[], p_key text[], p_bytes bigint[], p_sha text[],
    p_seq bigint[], p_codec text[], p_width integer[], p_height integer[], p_device timestamptz[],
    p_jump boolean[], p_discontinuity boolean[], p_container text[], p_init text[], p_frame_rate double precision[],
    p_gap_ms integer, p_late_ms integer, p_tolerance_ms integer)
RETURNS TABLE (camera text, start_at timestamptz, duration_ms integer, object_key text, discontinuity boolean,
               media_seq bigint, discontinuity_seq bigint, container text, init_key text, codec text, width integer,
               height integer, frame_rate double precision)
LANGUAGE sql
SET search_path = ${flyway:defaultSchema}
AS $$
  SELECT *
  FROM index_segments(p_camera, p_start, p_duration, p_key, p_bytes, p_sha, p_seq, p_codec, p_width, p_height,
                      p_device, p_jump, p_discontinuity, p_container, p_init, p_frame_rate,
                      array_fill(NULL::bigint, ARRAY[cardinality(p_camera)]),
                      array_fill(NULL::bigint, ARRAY[cardinality(p_camera)]),
                      array_fill(NULL::text, ARRAY[cardinality(p_camera)]), p_gap_ms, p_late_ms, p_tolerance_ms)
$$;

-- The read contract grows by columns only (V21).
CREATE OR REPLACE VIEW segments_v1 AS
  SELECT camera_id, start_at, duration_ms, object_key, bytes, (discontinuity OR clock_jump OR media_change)
         AS discontinuity, media_seq, discontinuity_seq, container, init_key, codec, width, height, frame_rate,
         key_frame_offset, key_frame_length, thumbnail_key
  FROM segments;

-- Retention covers thumbnails as V34 covers init segments: an expired row's thumbnail is deleted with it unless a row
-- inside its own camera's retention names the same object (thumbnail_kept; a camera names one thumbnail per segment,
-- so that happens only when two rows name one object, as in V32). Added columns come last.
CREATE INDEX segments_thumbnail_key ON segments (thumbnail_key) WHERE thumbnail_key IS NOT NULL;

DROP FUNCTION expired_segment_rows(integer, integer);

CREATE FUNCTION expired_segment_rows(default_days integer, max_rows integer)
RETURNS TABLE (camera_id text, start_at timestamptz, object_key text, object_kept boolean, init_key text,
               init_kept boolean, thumbnail_key text, thumbnail_kept boolean)
LANGUAGE sql STABLE
SET search_path = ${flyway:defaultSchema}
AS $$
  SELECT s.camera_id, s.start_at, s.object_key,
         EXISTS (SELECT 1 FROM segments k
                 WHERE k.object_key = s.object_key
                   AND (k.camera_id, k.start_at) <> (s.camera_id, s.start_at)
                   AND k.start_at >= retention_cutoff(k.camera_id, default_days)) AS object_kept,
         s.init_key,
         s.init_key IS NOT NULL
           AND EXISTS (SELECT 1 FROM segments k
                       WHERE k.init_key = s.init_key
                         AND (k.camera_id, k.start_at, k.object_key) <> (s.camera_id, s.start_at, s.object_key)
                         AND k.start_at >= retention_cutoff(k.camera_id, default_days)) AS init_kept,
         s.thumbnail_key,
         s.thumbnail_key IS NOT NULL
           AND EXISTS (SELECT 1 FROM segments k
                       WHERE k.thumbnail_key = s.thumbnail_key
                         AND (k.camera_id, k.start_at, k.object_key) <> (s.camera_id, s.start_at, s.object_key)
                         AND k.start_at >= retention_cutoff(k.camera_id, default_days)) AS thumbnail_kept
  FROM segments s LEFT JOIN camera_settings c ON c.camera_id = s.camera_id
  WHERE s.start_at < now() - make_interval(days => (SELECT least(default_days, min(retention_days))
                                                     FROM camera_settings))
    AND s.start_at < now() - make_interval(days => coalesce(c.retention_days, default_days))
  ORDER BY s.start_at
  LIMIT max_rows
$$;
