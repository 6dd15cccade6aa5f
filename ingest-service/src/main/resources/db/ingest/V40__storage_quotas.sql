-- Storage quotas (issue 19 item 3): a byte quota with a policy for when it is reached. Days are the camera's retention
-- (camera_settings.retention_days, V4), whichever of the two comes first; this table holds the bytes.
--   * ring: the retention sweeper deletes the camera's oldest segments until its stored bytes are at or under the
--     quota (over_quota_segment_rows below), so recording never stops;
--   * stop: ingest refuses new segments that would take the stored bytes over the quota (reason quota_exceeded on
--     cameras/{id}/segments/rejected), deletes nothing, and raises one quota.exceeded event each time the camera goes
--     over (exceeded_at holds when; cleared once it is under again).
-- Both are checked from the camera's totals row (camera_usage, V39): one primary-key lookup, whatever it stores.
-- A quota belongs to a scope and a subject: 'camera' and its id now. An account's quota (a camera -> account mapping
-- is added separately) is another scope: its row here, its stored bytes the sum of its cameras' totals rows (or an
-- account totals row moved by meter_storage), and the same two policies; the checks already go through one function
-- per policy (over_quota_segment_rows, and ingest's QuotaCheck for stop).
CREATE TABLE storage_quotas (
  scope       text        NOT NULL CHECK (scope IN ('camera')),
  subject_id  text        NOT NULL,
  max_bytes   bigint      NOT NULL CHECK (max_bytes > 0),
  policy      text        NOT NULL CHECK (policy IN ('ring', 'stop')),
  exceeded_at timestamptz,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, subject_id)
);

-- The quota event joins the recording events (published on events/recordings and to webhooks).
ALTER TABLE recording_events DROP CONSTRAINT recording_events_type_check;
ALTER TABLE recording_events ADD CONSTRAINT recording_events_type_check
  CHECK (type IN ('recording.started', 'recording.stopped', 'index.ready', 'camera.online', 'camera.offline',
                  'quota.exceeded'));

-- The oldest segments of each camera over its ring quota, as many as take it back to the quota (a segment is deleted
-- while the bytes before it in the camera's order are still under the excess), oldest first, at most max_rows, in
-- expired_segment_rows' shape (V37) so the sweeper deletes them the same way: object_kept when another row names the
-- object, init_kept when a row that stays needs the init segment, thumbnail_kept likewise for the thumbnail.
CREATE FUNCTION over_quota_segment_rows(max_rows integer)
RETURNS TABLE (camera_id text, start_at timestamptz, object_key text, object_kept boolean, init_key text,
               init_kept boolean, thumbnail_key text, thumbnail_kept boolean)
LANGUAGE sql STABLE
SET search_path = ${flyway:defaultSchema}
AS $$
  WITH over AS (
    SELECT q.subject_id AS c, u.stored_bytes - q.max_bytes AS excess
    FROM storage_quotas q JOIN camera_usage u ON u.camera_id = q.subject_id
    WHERE q.scope = 'camera' AND q.policy = 'ring' AND u.stored_bytes > q.max_bytes
  ), oldest AS (
    SELECT s.camera_id, s.start_at, s.object_key, s.init_key, s.thumbnail_key, o.excess,
           sum(s.bytes) OVER (PARTITION BY s.camera_id ORDER BY s.start_at, s.object_key) - s.bytes AS before
    FROM over o CROSS JOIN LATERAL (
      SELECT x.camera_id, x.start_at, x.object_key, x.init_key, x.thumbnail_key, x.bytes FROM segments x
      WHERE x.camera_id = o.c ORDER BY x.start_at, x.object_key LIMIT max_rows) s
  ), doomed AS (
    SELECT * FROM oldest WHERE before < excess ORDER BY start_at LIMIT max_rows
  )
  SELECT d.camera_id, d.start_at, d.object_key,
         EXISTS (SELECT 1 FROM segments k
                 WHERE k.object_key = d.object_key
                   AND (k.camera_id, k.start_at) <> (d.camera_id, d.start_at)) AS object_kept,
         d.init_key,
         d.init_key IS NOT NULL
           AND EXISTS (SELECT 1 FROM segments k
                       WHERE k.init_key = d.init_key
                         AND NOT EXISTS (SELECT 1 FROM doomed g
                                         WHERE (g.camera_id, g.start_at, g.object_key)
                                             = (k.camera_id, k.start_at, k.object_key))) AS init_kept,
         d.thumbnail_key,
         d.thumbnail_key IS NOT NULL
           AND EXISTS (SELECT 1 FROM segments k
                       WHERE k.thumbnail_key = d.thumbnail_key
                         AND (k.camera_id, k.start_at, k.object_key) <> (d.camera_id, d.start_at, d.object_key))
           AS thumbnail_kept
  FROM doomed d
  ORDER BY d.start_at
$$;

-- The stop check: for the given cameras with a stop quota, the quota, the bytes stored now and whether the event was
-- raised already.
CREATE FUNCTION stop_quotas(p_camera text[])
RETURNS TABLE (camera_id text, max_bytes bigint, stored_bytes bigint, raised boolean)
LANGUAGE sql STABLE
SET search_path = ${flyway:defaultSchema}
AS $$
  SELECT q.subject_id, q.max_bytes, coalesce(u.stored_bytes, 0), q.exceeded_at IS NOT NULL
  FROM storage_quotas q LEFT JOIN camera_usage u ON u.camera_id = q.subject_id
  WHERE q.scope = 'camera' AND q.policy = 'stop' AND q.subject_id = ANY (p_camera)
$$;
