-- Accounts (issue 19 item 2): a camera maker's end user or a site. A camera belongs to at most one account; a camera
-- without one (account_id NULL, every camera from before) stays valid and is seen only by operator-level callers.
--
-- This schema is the source of truth: cameras are registered here, so a camera is given its account in the same
-- statement that registers it, and the foreign key refuses deleting an account while cameras belong to it (the admin
-- API's 409 account_in_use) without a race. ingest and playlist-service learn it through the read views below.
CREATE TABLE accounts (
  id                 text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  display_name       text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  created_at         timestamptz NOT NULL DEFAULT now(),
  -- What ingest's usage enforcement reads (see docs/ARCHITECTURE.md "Accounts"): NULL is no limit.
  quota_bytes        bigint      CHECK (quota_bytes > 0),
  quota_days         integer     CHECK (quota_days BETWEEN 1 AND 36500),
  quota_policy       text        NOT NULL DEFAULT 'ring' CHECK (quota_policy IN ('ring', 'stop')),
  -- The account admin token's SHA-256 (64 hex digits), never the token; NULL until the operator mints one.
  admin_token_sha256 text        UNIQUE CHECK (admin_token_sha256 ~ '^[0-9a-f]{64}$')
);

ALTER TABLE devices ADD COLUMN account_id text REFERENCES accounts (id) ON DELETE RESTRICT;
CREATE INDEX devices_account ON devices (account_id, id) WHERE account_id IS NOT NULL;

-- cameras_v1 gains the camera's account (columns are only ever added to a read view).
CREATE OR REPLACE VIEW cameras_v1 AS
  SELECT id, prefix, enabled, created_at, account_id FROM devices;

-- Read contract of the accounts for the other services: never the token hash.
CREATE VIEW accounts_v1 AS
  SELECT id, display_name, created_at, quota_bytes, quota_days, quota_policy FROM accounts;

-- Which account an admin token belongs to, for services that get no SELECT on accounts: they hand in the SHA-256 of
-- the token they were shown and learn the account id or NULL, never a hash.
CREATE FUNCTION account_for_admin_token(token_sha256 text)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ${flyway:defaultSchema}
AS $$ SELECT id FROM accounts WHERE admin_token_sha256 = token_sha256 $$;

-- Only the services granted it (infra/samples/postgresql/20-grants.sql) may ask; the owner always may.
REVOKE EXECUTE ON FUNCTION account_for_admin_token(text) FROM PUBLIC;
