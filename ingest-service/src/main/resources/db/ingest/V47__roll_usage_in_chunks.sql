-- The minute's usage roll in chunks, never waiting for an indexing batch (issue 14 item 4: p99 publish -> commit).
-- V45's roll_usage_days() rolls every camera with stored bytes, a whole fleet, in one transaction that holds each
-- camera's counters row locked until it ends. Measured with 60,000 cameras at 20,000 notifications/s
-- (docs/PERFORMANCE.md, "Ingest", *The usage roll*): every indexing batch waited for it, publish -> commit p99 went
-- from 0.24-0.29 s without a roll to 2.7 s, and one batch died of a deadlock (40P01). The roll locked the rows in
-- camera order without the cameras' advisory locks, while a batch that holds those advisory locks updates its counters
-- rows in the order its plan visits them; each then waited for a row the other held.
--
-- roll_usage_days(p_after, p_limit) looks at the next p_limit cameras after p_after with something to roll, in camera
-- order, and returns how many day rows it wrote and the last camera it looked at (null: none after p_after). Ingest
-- calls it until it returns null, each call its own transaction, so a camera's row is held for at most one chunk. It
-- takes each camera's advisory lock, as every other writer of a camera's rows does (V3, V46), but only if it is free
-- (pg_try_advisory_xact_lock): a camera an indexing batch or retention holds right now is passed by and rolled by the
-- next roll, a minute later. So the roll never waits while it holds other cameras, and a batch waits for at most one
-- chunk's update of its rows. (A first version waited for each lock in camera order: no deadlock, but chunks and
-- batches queued behind each other and p99 was 0.85 s.) What is not rolled is still exact in every report: readers
-- add it to today (V39). The arithmetic is V45's, camera by camera.
-- V45's roll_usage_days() stays as it was, for an ingest instance not upgraded yet (a rolling upgrade).
CREATE FUNCTION roll_usage_days(p_after text, p_limit integer)
RETURNS TABLE (rolled integer, last_camera text)
LANGUAGE plpgsql
SET search_path = ${flyway:defaultSchema}
AS $$
DECLARE
  cams   text[];
  cam    text;
  locked text[] := '{}';
BEGIN
  IF p_after IS NULL OR p_limit IS NULL OR p_limit < 1 THEN
    RAISE EXCEPTION 'roll_usage_days: p_after must not be null and p_limit must be positive (got %, %)',
      p_after, p_limit USING ERRCODE = '22023';
  END IF;
  SELECT array_agg(x.camera_id ORDER BY x.camera_id) INTO cams
  FROM (SELECT camera_id FROM live_sequence
        WHERE camera_id > p_after AND (puts <> rolled_puts OR deletes <> rolled_deletes OR stored_bytes <> 0)
        ORDER BY camera_id LIMIT p_limit) x;
  IF cams IS NULL THEN
    RETURN QUERY SELECT 0, NULL::text;
    RETURN;
  END IF;
  FOREACH cam IN ARRAY cams LOOP
    IF pg_try_advisory_xact_lock(hashtextextended('ingest.recordings/' || cam, 0)) THEN
      locked := locked || cam;
    END IF;
  END LOOP;
  -- a new statement: its snapshot sees every commit made before the locks were taken
  RETURN QUERY
  WITH old AS (
    SELECT camera_id, puts - rolled_puts AS dp, bytes_in - rolled_bytes_in AS dbi, deletes - rolled_deletes AS dd,
           bytes_deleted - rolled_bytes_deleted AS dbd,
           byte_hours + stored_bytes * extract(epoch FROM now() - accrued_at) / 3600 AS bh, rolled_byte_hours
    FROM live_sequence
    WHERE camera_id = ANY (locked) AND (puts <> rolled_puts OR deletes <> rolled_deletes OR stored_bytes <> 0)
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
  SELECT count(*)::integer, cams[cardinality(cams)] FROM added;
END
$$;
