-- Account quotas enforced (issue 19 items 2 and 3): an account's byte quota with its policy (ring or stop) and its
-- days, over all its cameras, beside each camera's own quota (V40); the stricter applies.
--
-- Where an account's stored bytes come from: the sum of its cameras' totals rows (camera_usage, V39) through the
-- registry's camera -> account mapping (V41's camera_accounts_v1()), never a counter moved per batch. A camera moves
-- between accounts in credential's registry, which ingest does not see happen; a maintained account counter would
-- keep the moved camera's bytes in its old account until someone noticed, while a sum over the cameras that belong to
-- the account now is right by construction (the bytes move with the camera, as V41 documents: "what the account
-- holds now"). The sum costs one scan of the account cameras, so it is not on the hot path:
--   * account_usage holds one row per account: its quota as the operator set it and its stored bytes, refreshed by
--     refresh_account_usage() at each quota round (ingest's quotaIntervalSeconds, 30 s) and each retention sweep. The
--     stop check reads it with one primary-key lookup (after one lookup of the camera's account in the registry);
--   * ring (over_quota_segment_rows) sums afresh at each of its rounds, so it sees its own deletions.
-- The price of the snapshot: a stop account can go over its quota by what its cameras store between two refreshes
-- (at most one quota interval of recording), and the next check after the refresh refuses. Camera stop quotas stay
-- exact as before.
-- Without the registry (ingest deployed alone) the V41 functions return no rows: no account, nothing enforced.
CREATE TABLE account_usage (
  account_id   text        PRIMARY KEY,
  stored_bytes bigint      NOT NULL DEFAULT 0,
  cameras      integer     NOT NULL DEFAULT 0,
  quota_bytes  bigint,                -- NULL: no byte limit
  quota_days   integer,               -- NULL: no day limit
  quota_policy text,                  -- ring | stop
  exceeded_at  timestamptz,           -- a stop quota's event was raised (cleared once under again)
  refreshed_at timestamptz NOT NULL DEFAULT now()
);

-- Every account of the registry with its quota and the stored bytes of the cameras it has now; accounts gone from the
-- registry go. Returns how many accounts there are. Run by one instance at a time (the quota round's cluster lock);
-- concurrent runs are harmless (the last one wins, both exact).
CREATE FUNCTION refresh_account_usage()
RETURNS integer
LANGUAGE sql
SET search_path = ${flyway:defaultSchema}
AS $$
  WITH q AS (
    SELECT * FROM account_quotas_v1()
  ), sums AS (
    SELECT ca.account_id, coalesce(sum(u.stored_bytes), 0)::bigint AS b, count(*)::integer AS n
    FROM camera_accounts_v1() ca LEFT JOIN camera_usage u ON u.camera_id = ca.camera_id
    GROUP BY ca.account_id
  ), gone AS (
    DELETE FROM account_usage a WHERE NOT EXISTS (SELECT 1 FROM q WHERE q.account_id = a.account_id)
  ), up AS (
    INSERT INTO account_usage AS a (account_id, stored_bytes, cameras, quota_bytes, quota_days, quota_policy)
    SELECT q.account_id, coalesce(s.b, 0), coalesce(s.n, 0), q.quota_bytes, q.quota_days, q.quota_policy
    FROM q LEFT JOIN sums s USING (account_id)
    ORDER BY q.account_id
    ON CONFLICT (account_id) DO UPDATE
      SET stored_bytes = excluded.stored_bytes, cameras = excluded.cameras, quota_bytes = excluded.quota_bytes,
          quota_days = excluded.quota_days, quota_policy = excluded.quota_policy, refreshed_at = now(),
          -- a changed quota is armed again, as a camera's (V40)
          exceeded_at = CASE WHEN (a.quota_bytes, a.quota_policy) IS DISTINCT FROM
                                  (excluded.quota_bytes, excluded.quota_policy) THEN NULL ELSE a.exceeded_at END
    RETURNING 1
  )
  SELECT count(*)::integer FROM up
$$;

-- A camera's retention: its own (camera_settings) else the service's default, as before (an operator who lengthened
-- one camera's retention keeps that), capped by its account's quota_days.
CREATE OR REPLACE FUNCTION retention_cutoff(p_camera text, default_days integer)
RETURNS timestamptz
LANGUAGE sql STABLE
SET search_path = ${flyway:defaultSchema}
AS $$
  SELECT now() - make_interval(days => least(
      coalesce((SELECT retention_days FROM camera_settings WHERE camera_id = p_camera), default_days),
      (SELECT a.quota_days FROM account_usage a WHERE a.account_id = camera_account_v1(p_camera))))
$$;

-- V37's expired rows with the account's days as a cap: one scan of the account cameras per call.
CREATE OR REPLACE FUNCTION expired_segment_rows(default_days integer, max_rows integer)
RETURNS TABLE (camera_id text, start_at timestamptz, object_key text, object_kept boolean, init_key text,
               init_kept boolean, thumbnail_key text, thumbnail_kept boolean)
LANGUAGE sql STABLE
SET search_path = ${flyway:defaultSchema}
AS $$
  WITH account_days AS (
    SELECT ca.camera_id, a.quota_days
    FROM camera_accounts_v1() ca JOIN account_usage a ON a.account_id = ca.account_id
    WHERE a.quota_days IS NOT NULL
  )
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
  FROM segments s
  LEFT JOIN camera_settings c ON c.camera_id = s.camera_id
  LEFT JOIN account_days d ON d.camera_id = s.camera_id
  WHERE s.start_at < now() - make_interval(days => least(default_days,
                                                         (SELECT min(retention_days) FROM camera_settings),
                                                         (SELECT min(quota_days) FROM account_days)))
    AND s.start_at < now() - make_interval(days => least(coalesce(c.retention_days, default_days), d.quota_days))
  ORDER BY s.start_at
  LIMIT max_rows
$$;

-- V40's ring with accounts: the cameras over their own ring quota, and the accounts over theirs (stored bytes summed
-- afresh from their cameras' totals rows, so each round sees the previous round's deletions). An account's excess is
-- taken from its oldest segments across all its cameras, in start order. A segment doomed for both its camera and its
-- account is listed once.
CREATE OR REPLACE FUNCTION over_quota_segment_rows(max_rows integer)
RETURNS TABLE (camera_id text, start_at timestamptz, object_key text, object_kept boolean, init_key text,
               init_kept boolean, thumbnail_key text, thumbnail_kept boolean)
LANGUAGE sql STABLE
SET search_path = ${flyway:defaultSchema}
AS $$
  WITH over AS (
    SELECT q.subject_id AS c, u.stored_bytes - q.max_bytes AS excess
    FROM storage_quotas q JOIN camera_usage u ON u.camera_id = q.subject_id
    WHERE q.scope = 'camera' AND q.policy = 'ring' AND u.stored_bytes > q.max_bytes
  ), camera_oldest AS (
    SELECT s.camera_id, s.start_at, s.object_key, s.init_key, s.thumbnail_key, o.excess,
           sum(s.bytes) OVER (PARTITION BY s.camera_id ORDER BY s.start_at, s.object_key) - s.bytes AS before
    FROM over o CROSS JOIN LATERAL (
      SELECT x.camera_id, x.start_at, x.object_key, x.init_key, x.thumbnail_key, x.bytes FROM segments x
      WHERE x.camera_id = o.c ORDER BY x.start_at, x.object_key LIMIT max_rows) s
  ), members AS (
    SELECT * FROM camera_accounts_v1()
  ), account_over AS (
    SELECT q.account_id, sum(u.stored_bytes) - q.quota_bytes AS excess
    FROM account_quotas_v1() q
    JOIN members m ON m.account_id = q.account_id
    JOIN camera_usage u ON u.camera_id = m.camera_id
    WHERE q.quota_policy = 'ring' AND q.quota_bytes IS NOT NULL
    GROUP BY q.account_id, q.quota_bytes
    HAVING sum(u.stored_bytes) > q.quota_bytes
  ), account_oldest AS (
    SELECT s.camera_id, s.start_at, s.object_key, s.init_key, s.thumbnail_key, a.excess,
           sum(s.bytes) OVER (PARTITION BY a.account_id ORDER BY s.start_at, s.camera_id, s.object_key) - s.bytes
             AS before
    FROM account_over a CROSS JOIN LATERAL (
      SELECT x.camera_id, x.start_at, x.object_key, x.init_key, x.thumbnail_key, x.bytes
      FROM members m JOIN segments x ON x.camera_id = m.camera_id
      WHERE m.account_id = a.account_id
      ORDER BY x.start_at, x.camera_id, x.object_key LIMIT max_rows) s
  ), doomed AS (
    SELECT DISTINCT ON (camera_id, start_at, object_key) camera_id, start_at, object_key, init_key, thumbnail_key
    FROM (SELECT * FROM camera_oldest WHERE before < excess
          UNION ALL
          SELECT * FROM account_oldest WHERE before < excess) x
    ORDER BY camera_id, start_at, object_key
  ), first AS (
    SELECT * FROM doomed ORDER BY start_at LIMIT max_rows
  )
  SELECT d.camera_id, d.start_at, d.object_key,
         EXISTS (SELECT 1 FROM segments k
                 WHERE k.object_key = d.object_key
                   AND (k.camera_id, k.start_at) <> (d.camera_id, d.start_at)) AS object_kept,
         d.init_key,
         d.init_key IS NOT NULL
           AND EXISTS (SELECT 1 FROM segments k
                       WHERE k.init_key = d.init_key
                         AND NOT EXISTS (SELECT 1 FROM first g
                                         WHERE (g.camera_id, g.start_at, g.object_key)
                                             = (k.camera_id, k.start_at, k.object_key))) AS init_kept,
         d.thumbnail_key,
         d.thumbnail_key IS NOT NULL
           AND EXISTS (SELECT 1 FROM segments k
                       WHERE k.thumbnail_key = d.thumbnail_key
                         AND (k.camera_id, k.start_at, k.object_key) <> (d.camera_id, d.start_at, d.object_key))
           AS thumbnail_kept
  FROM first d
  ORDER BY d.start_at
$$;

-- The stop check of an account, for the given cameras whose account has a stop quota: the account, its quota, the
-- bytes it stored at the last refresh and whether its event was raised. One registry lookup and one primary-key
-- lookup per camera.
CREATE FUNCTION account_stop_quotas(p_camera text[])
RETURNS TABLE (camera_id text, account_id text, max_bytes bigint, stored_bytes bigint, raised boolean)
LANGUAGE sql STABLE
SET search_path = ${flyway:defaultSchema}
AS $$
  SELECT c.id, a.account_id, a.quota_bytes, a.stored_bytes, a.exceeded_at IS NOT NULL
  FROM unnest(p_camera) AS c(id)
  JOIN account_usage a ON a.account_id = camera_account_v1(c.id)
  WHERE a.quota_policy = 'stop' AND a.quota_bytes IS NOT NULL
$$;

-- The read contract of account usage (as usage_totals_v1): what each account stores and its quota, as last refreshed.
CREATE VIEW account_usage_v1 AS
  SELECT account_id, stored_bytes, cameras, quota_bytes, quota_days, quota_policy, exceeded_at IS NOT NULL AS exceeded,
         refreshed_at
  FROM account_usage;
