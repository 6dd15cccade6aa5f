-- Accounts (issue 19 item 2): the hook that rolls ingest's per-camera figures (usage, quotas) up to accounts.
--
-- The accounts and which camera belongs to which live in credential-service's schema (credential V5: the registry
-- where cameras are registered). ingest reads them only through credential's versioned read views cameras_v1
-- (account_id column) and accounts_v1, and only through the two functions below, which are ingest's contract for its
-- own SQL: per-camera tables join them on camera_id, then account_id.
--
-- Functions rather than views: a view would have to resolve credential's views when this migration runs, and ingest
-- migrates on its own (deployed without credential-service in its database, or before it). Without the registry the
-- functions return no rows (no camera has an account), as CameraRegistryReader treats a missing registry. PL/pgSQL
-- bodies resolve their tables at each call, so they follow credential's views as they are migrated.
--
--   SELECT ca.account_id, sum(u.bytes) FROM ingest.<per-camera table> u
--   JOIN ingest.camera_accounts_v1() ca ON ca.camera_id = u.camera_id GROUP BY ca.account_id;
--
-- Cameras without an account are not rows here (an inner join leaves them out, a left join gives NULL). Versioned as
-- a read view is: columns are only ever added; a breaking change makes _v2 beside _v1.

-- camera -> account, for every camera that belongs to an account now.
CREATE FUNCTION camera_accounts_v1()
RETURNS TABLE (camera_id text, account_id text)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN QUERY SELECT c.id, c.account_id FROM credential.cameras_v1 c WHERE c.account_id IS NOT NULL;
EXCEPTION WHEN undefined_table OR invalid_schema_name OR undefined_column THEN
  RETURN;
END
$$;

-- One camera's account, or NULL (no account, unknown camera, or no registry): for a check on one camera's path.
CREATE FUNCTION camera_account_v1(camera text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN (SELECT c.account_id FROM credential.cameras_v1 c WHERE c.id = camera);
EXCEPTION WHEN undefined_table OR invalid_schema_name OR undefined_column THEN
  RETURN NULL;
END
$$;

-- Account-level quotas, as the operator set them (credential's admin API, PATCH /api/v1/accounts/{id}): quota_bytes
-- (all the account's cameras' stored bytes together) and quota_days (the longest any of its recordings is kept), NULL
-- for no limit; quota_policy 'ring' (delete the account's oldest segments to make room) or 'stop' (refuse new
-- segments of the account's cameras until there is room). Every account is a row, with or without limits.
CREATE FUNCTION account_quotas_v1()
RETURNS TABLE (account_id text, quota_bytes bigint, quota_days integer, quota_policy text)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN QUERY SELECT a.id, a.quota_bytes, a.quota_days, a.quota_policy FROM credential.accounts_v1 a;
EXCEPTION WHEN undefined_table OR invalid_schema_name OR undefined_column THEN
  RETURN;
END
$$;
