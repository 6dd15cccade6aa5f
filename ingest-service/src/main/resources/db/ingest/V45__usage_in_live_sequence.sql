-- Each camera's usage totals kept in its live counters' row (issue 14 item 4: PostgreSQL's time per indexed row).
-- Since V39 every indexing batch wrote two rows per camera: its live_sequence row (live numbers, since V44 also its
-- newest segment) and its camera_usage row (stored bytes and objects, PUTs; meter_storage). Measured, the second
-- write was an eighth of the indexing statement (docs/PERFORMANCE.md, "Ingest"). The totals now live in the
-- live_sequence row, written by the same upsert that moves the live numbers: one row write per camera and batch
-- where there were two.
--   * live_sequence gains camera_usage's columns, with their meaning unchanged (V39): stored bytes and objects now,
--     the running counters since metering began, byte-hours accrued up to accrued_at, and what the last roll moved
--     into the days (rolled_*). A camera metered before and without live counters (its segments were all deleted
--     before V31, or all backfills) gets a row with the counters at zero, which numbers exactly as no row does.
--   * camera_usage becomes a view of those columns: every reader (quotas, retention's over-quota rows, the account
--     roll-up, usage_totals_v1 and through it playlist-service) reads what it read, by the same name.
--   * meter_storage (deletes: retention, quotas) and roll_usage_days write live_sequence, in camera order as before.
--   * index_and_meter_segments: V44's index_segments with the metering inside, in the live counters' upsert, and the
--     live numbering written into it (one lookup of the counters per row instead of two, no SQL function call per
--     batch). SegmentRepository calls it instead of index_segments followed by meter_storage.
-- V44's index_segments and 8-argument number_live_segments stay as they are: an ingest instance not upgraded yet
-- (rolling upgrade) still calls them and then meter_storage, which now writes the same row; its metering stays exact.

ALTER TABLE live_sequence
  ADD COLUMN stored_bytes         bigint           NOT NULL DEFAULT 0,
  ADD COLUMN stored_objects       bigint           NOT NULL DEFAULT 0,
  ADD COLUMN puts                 bigint           NOT NULL DEFAULT 0,
  ADD COLUMN bytes_in             bigint           NOT NULL DEFAULT 0,
  ADD COLUMN deletes              bigint           NOT NULL DEFAULT 0,
  ADD COLUMN bytes_deleted        bigint           NOT NULL DEFAULT 0,
  ADD COLUMN byte_hours           double precision NOT NULL DEFAULT 0,
  ADD COLUMN accrued_at           timestamptz      NOT NULL DEFAULT now(),
  ADD COLUMN rolled_puts          bigint           NOT NULL DEFAULT 0,
  ADD COLUMN rolled_bytes_in      bigint           NOT NULL DEFAULT 0,
  ADD COLUMN rolled_deletes       bigint           NOT NULL DEFAULT 0,
  ADD COLUMN rolled_bytes_deleted bigint           NOT NULL DEFAULT 0,
  ADD COLUMN rolled_byte_hours    double precision NOT NULL DEFAULT 0;

INSERT INTO live_sequence AS q (camera_id, next_media_seq, last_discontinuity_seq, stored_bytes, stored_objects, puts,
                                bytes_in, deletes, bytes_deleted, byte_hours, accrued_at, rolled_puts,
                                rolled_bytes_in, rolled_deletes, rolled_bytes_deleted, rolled_byte_hours)
SELECT camera_id, 0, 0, stored_bytes, stored_objects, puts, bytes_in, deletes, bytes_deleted, byte_hours, accrued_at,
       rolled_puts, rolled_bytes_in, rolled_deletes, rolled_bytes_deleted, rolled_byte_hours
FROM camera_usage
ON CONFLICT (camera_id) DO UPDATE
  SET stored_bytes = excluded.stored_bytes, stored_objects = excluded.stored_objects, puts = excluded.puts,
      bytes_in = excluded.bytes_in, deletes = excluded.deletes, bytes_deleted = excluded.bytes_deleted,
      byte_hours = excluded.byte_hours, accrued_at = excluded.accrued_at, rolled_puts = excluded.rolled_puts,
      rolled_bytes_in = excluded.rolled_bytes_in, rolled_deletes = excluded.rolled_deletes,
      rolled_bytes_deleted = excluded.rolled_bytes_deleted, rolled_byte_hours = excluded.rolled_byte_hours;

-- The table goes; its name stays, as a view with the same columns. usage_totals_v1 (the read contract, V39) is
-- replaced with the same columns over it, which keeps what was granted on it.
ALTER TABLE camera_usage RENAME TO camera_usage_v39;

CREATE VIEW camera_usage AS
  SELECT camera_id, stored_bytes, stored_objects, puts, bytes_in, deletes, bytes_deleted, byte_hours, accrued_at,
         rolled_puts, rolled_bytes_in, rolled_deletes, rolled_bytes_deleted, rolled_byte_hours
  FROM live_sequence;

CREATE OR REPLACE VIEW usage_totals_v1 AS
  SELECT camera_id, stored_bytes, stored_objects, puts - rolled_puts AS pending_puts,
         bytes_in - rolled_bytes_in AS pending_bytes_in, deletes - rolled_deletes AS pending_deletes,
         bytes_deleted - rolled_bytes_deleted AS pending_bytes_deleted,
         byte_hours + stored_bytes * extract(epoch FROM now() - accrued_at) / 3600 - rolled_byte_hours
           AS pending_byte_hours
  FROM camera_usage;

DROP TABLE camera_usage_v39;

-- V39's meter_storage on the camera's counters row (same arguments, same arithmetic, camera order).
CREATE OR REPLACE FUNCTION meter_storage(p_camera text[], p_put_objects bigint[], p_put_bytes bigint[],
                                         p_deleted_objects bigint[], p_deleted_bytes bigint[])
RETURNS void
LANGUAGE sql
SET search_path = ${flyway:defaultSchema}
AS $$
  INSERT INTO live_sequence AS u (camera_id, next_media_seq, last_discontinuity_seq, stored_bytes, stored_objects,
                                  puts, bytes_in, deletes, bytes_deleted)
  SELECT c, 0, 0, sum(pb - db), sum(po - dob), sum(po), sum(pb), sum(dob), sum(db)
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

-- V39's roll_usage_days on the camera's counters row (same rule: rows locked in camera order, a second roll finds
-- nothing new).
CREATE OR REPLACE FUNCTION roll_usage_days()
RETURNS integer
LANGUAGE sql
SET search_path = ${flyway:defaultSchema}
AS $$
  WITH old AS (
    SELECT camera_id, puts - rolled_puts AS dp, bytes_in - rolled_bytes_in AS dbi, deletes - rolled_deletes AS dd,
           bytes_deleted - rolled_bytes_deleted AS dbd,
           byte_hours + stored_bytes * extract(epoch FROM now() - accrued_at) / 3600 AS bh, rolled_byte_hours
    FROM live_sequence
    WHERE puts <> rolled_puts OR deletes <> rolled_deletes OR stored_bytes <> 0
    ORDER BY camera_id FOR UPDATE
  ), moved AS (
    UPDATE live_sequence u
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

-- V44's index_segments (same arguments, rules and results) that also meters the batch in the live counters' upsert,
-- where ingest metered it afterwards with meter_storage in the same statement (V39): what it adds per camera is
-- exactly what that call added. The live numbering (V33's rule, V44's number_live_segments) is written here rather
-- than called: it takes the camera's counters from the lookup the filter makes anyway (one probe of live_sequence
-- per row where there were two), and its plan is cached with the function's (a SQL function's is made again on every
-- call). Both matter most for the small batches of a fleet that ingest keeps up with (docs/PERFORMANCE.md, "Ingest").
CREATE FUNCTION index_and_meter_segments(
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
  f_obj   bigint[];
  f_bytes bigint[];
  f_init  text[];
  f_qn    bigint[];
  f_qd    bigint[];
  f_qs    timestamptz[];
  f_qdur  integer[];
  f_qe    timestamptz[];
  i_cam   text[];
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
         array_agg(t.f), array_agg(1 + (t.th IS NOT NULL)::integer::bigint), array_agg(coalesce(t.b, 0)),
         array_agg(t.i), array_agg(t.qn), array_agg(t.qd), array_agg(t.qs), array_agg(t.qdur), array_agg(t.qe)
  INTO f_cam, f_start, f_dur, f_key, f_mark, f_media, f_desc, f_obj, f_bytes, f_init, f_qn, f_qd, f_qs, f_qdur, f_qe
  FROM (
    SELECT v.c, v.s, v.d, v.k, v.m, v.f, v.b, v.th, v.i, v.qn, v.qd, v.qs, v.qdur, v.qe,
           coalesce(coalesce(lag(v.f) OVER w,
                             CASE WHEN lag(v.c) OVER w IS NULL THEN
                               CASE WHEN v.s > v.newest_start THEN
                                 CASE WHEN v.newest_start >= v.s - near THEN v.newest_media END
                               ELSE (
                                 SELECT format('%s|%s|%s|%s|%s', x.container, x.init_key, x.codec, x.width, x.height)
                                 FROM segments x
                                 WHERE x.camera_id = v.c AND x.start_at < v.s AND x.start_at >= v.s - near
                                 ORDER BY x.start_at DESC, x.object_key DESC LIMIT 1) END END) <> v.f, false) AS mc
    FROM (SELECT DISTINCT ON (u.c, u.s, u.k) u.c, u.s, u.d, u.k, u.b, u.th, u.i,
                 coalesce(u.di, false) OR coalesce(u.cj, false) AS m,
                 format('%s|%s|%s|%s|%s', coalesce(u.ct, 'ts'), u.i, u.co, u.w, u.he) AS f,
                 q.newest_start, q.newest_media, q.next_media_seq AS qn, q.last_discontinuity_seq AS qd,
                 q.last_start AS qs, q.last_duration_ms AS qdur, q.edge_start AS qe
          FROM unnest(p_camera, p_start, p_duration, p_key, p_discontinuity, p_jump, p_container, p_init, p_codec,
                      p_width, p_height, p_bytes, p_thumbnail) AS u(c, s, d, k, di, cj, ct, i, co, w, he, b, th)
          -- one index probe per row (OFFSET 0 keeps the lookup from being flattened: for a batch of a thousand
          -- cameras the planner otherwise hashes the whole live_sequence table, a scan of every camera's row)
          LEFT JOIN LATERAL (SELECT x.newest_start, x.newest_key, x.newest_media, x.next_media_seq,
                                    x.last_discontinuity_seq, x.last_start, x.last_duration_ms, x.edge_start
                             FROM live_sequence x WHERE x.camera_id = u.c OFFSET 0) q ON true
          WHERE CASE WHEN (u.s, u.k) > (q.newest_start, q.newest_key) THEN true
                     ELSE NOT EXISTS (SELECT 1 FROM segments x WHERE x.camera_id = u.c AND x.start_at = u.s
                                                                 AND x.object_key = u.k) END) v
    WINDOW w AS (PARTITION BY v.c ORDER BY v.s, v.k)) t;
  IF f_cam IS NULL THEN
    RETURN;
  END IF;

  -- metering (V39's rules): each new segment is one stored object and one PUT with its bytes, its thumbnail one more
  -- object; an init segment named for the first time is one more object of the camera that names it (metered_inits,
  -- exact across concurrent batches). Every new segment of the batch is inserted below (filtered above under the
  -- cameras' locks), so they are counted here, in the live counters' upsert.
  WITH m AS (
    INSERT INTO metered_inits (init_key, camera_id)
    SELECT DISTINCT ON (t.i) t.i, t.c FROM unnest(f_init, f_cam) AS t(i, c) WHERE t.i IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING metered_inits.camera_id)
  SELECT array_agg(m.camera_id) INTO i_cam FROM m;
  i_cam := coalesce(i_cam, '{}');

  -- live numbers by V33's rule (as number_live_segments numbers them) from the counters the filter read (current:
  -- the cameras' locks are held), and one upsert per camera: its last numbered segment (the newest: numbered in start
  -- order) leaves the counters behind it, its newest segment moves forward (never back: a backfill is never after
  -- it), and the batch's metering is added to its totals (V39's arithmetic, byte-hours accrued first). A camera whose
  -- new segments are all backfills keeps its numbers and is metered all the same.
  WITH live AS (
    SELECT t.c, t.s, t.d, t.k, coalesce(t.m, false) AS m, coalesce(t.qn, 0) AS next_seq, coalesce(t.qd, 0) AS last_disc,
           coalesce(lag(t.s) OVER w, t.qs) AS prev_start, coalesce(lag(t.d) OVER w, t.qdur) AS prev_duration,
           row_number() OVER w - 1 AS i
    FROM unnest(f_cam, f_start, f_dur, f_key, f_mark, f_qn, f_qd, f_qs, f_qdur, f_qe)
         AS t(c, s, d, k, m, qn, qd, qs, qdur, qe)
    WHERE t.qe IS NULL OR t.s >= t.qe - p_late_ms * interval '1 millisecond'
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
    FROM unnest(f_cam, f_start, f_key, f_desc) AS t(c, s, k, f)
    ORDER BY c, s DESC, k DESC
  ), usage AS (
    SELECT c, sum(o)::bigint AS o, sum(b)::bigint AS b
    FROM unnest(f_cam || i_cam, f_obj || array_fill(1::bigint, ARRAY[cardinality(i_cam)]),
                f_bytes || array_fill(0::bigint, ARRAY[cardinality(i_cam)])) AS t(c, o, b)
    GROUP BY c
  ), moved AS (
    INSERT INTO live_sequence AS q (camera_id, next_media_seq, last_discontinuity_seq, last_start, last_duration_ms,
                                    edge_start, newest_start, newest_key, newest_media, stored_bytes, stored_objects,
                                    puts, bytes_in)
    SELECT n.c, coalesce(l.media_seq + 1, 0), coalesce(l.disc_seq, 0), l.s, l.d, l.s, n.s, n.k, n.f,
           coalesce(u.b, 0), coalesce(u.o, 0), coalesce(u.o, 0), coalesce(u.b, 0)
    FROM newest n
    LEFT JOIN (SELECT DISTINCT ON (c) c, s, d, media_seq, disc_seq FROM numbered ORDER BY c, s DESC, k DESC) l
      ON l.c = n.c
    LEFT JOIN usage u ON u.c = n.c
    ORDER BY n.c
    ON CONFLICT (camera_id) DO UPDATE
      SET next_media_seq = CASE WHEN excluded.last_start IS NULL THEN q.next_media_seq
                                ELSE excluded.next_media_seq END,
          last_discontinuity_seq = CASE WHEN excluded.last_start IS NULL THEN q.last_discontinuity_seq
                                        ELSE excluded.last_discontinuity_seq END,
          last_start = coalesce(excluded.last_start, q.last_start),
          last_duration_ms = CASE WHEN excluded.last_start IS NULL THEN q.last_duration_ms
                                  ELSE excluded.last_duration_ms END,
          edge_start = greatest(q.edge_start, excluded.edge_start),
          -- an unknown newest segment (null: none when V44 began, backfills since) is learnt only from numbered
          -- segments, which start after every backfill; a backfill alone could be older than one indexed before
          newest_start = CASE WHEN (q.newest_start IS NULL AND excluded.last_start IS NOT NULL)
                                   OR (excluded.newest_start, excluded.newest_key) > (q.newest_start, q.newest_key)
                              THEN excluded.newest_start ELSE q.newest_start END,
          newest_key = CASE WHEN (q.newest_start IS NULL AND excluded.last_start IS NOT NULL)
                                 OR (excluded.newest_start, excluded.newest_key) > (q.newest_start, q.newest_key)
                            THEN excluded.newest_key ELSE q.newest_key END,
          newest_media = CASE WHEN (q.newest_start IS NULL AND excluded.last_start IS NOT NULL)
                                   OR (excluded.newest_start, excluded.newest_key) > (q.newest_start, q.newest_key)
                              THEN excluded.newest_media ELSE q.newest_media END,
          byte_hours = q.byte_hours + q.stored_bytes * extract(epoch FROM now() - q.accrued_at) / 3600,
          accrued_at = now(),
          stored_bytes = q.stored_bytes + excluded.stored_bytes,
          stored_objects = q.stored_objects + excluded.stored_objects,
          puts = q.puts + excluded.puts, bytes_in = q.bytes_in + excluded.bytes_in
  )
  SELECT array_agg(c), array_agg(s), array_agg(k), array_agg(media_seq), array_agg(disc_seq)
  INTO l_cam, l_start, l_key, l_seq, l_disc
  FROM numbered;

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
    SELECT c, min(s) AS s, max(e) AS e, count(*)::integer AS n, sum(b)::bigint AS b,
           NOT coalesce(bool_or(brk), false) AS single
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
