-- ipc-hls on an external PostgreSQL, step 2 of 2: run as the administrator AFTER credential-service and
-- ingest-service have started once (their migrations create the tables granted here), and again after an upgrade:
--   psql -d ipchls -v ON_ERROR_STOP=1 -f 20-grants.sql
-- Until it has run, ingest retries its batches (nothing is acknowledged, nothing lost) and playlist answers 500.
-- Idempotent. Least privilege: another service reads a schema only through the versioned read views its owner
-- migrates (credential.cameras_v1, credential.accounts_v1, ingest.segments_v1, ingest.live_sequence_v1,
-- ingest.recordings_v1, ingest.events_v1) and functions (credential.account_for_admin_token), never its tables. A view
-- reads its
-- tables with its owner's rights, so no other service can read a camera's secret hash or any column the view does
-- not show, and a new table (e.g. webhooks with signing secrets) stays private to its owner.

-- Grants of earlier versions on the tables themselves, replaced by the views (no-ops on a new install). Revoking a
-- table privilege revokes its column privileges too. Upgrade the services before running this again.
REVOKE SELECT ON credential.devices FROM ipchls_ingest, ipchls_playlist;
REVOKE SELECT ON ingest.segments, ingest.recordings FROM ipchls_playlist;

-- ingest-service checks that a segment's key lies under its camera's storage prefix, and rolls usage up to accounts
-- (credential V5, read by ingest's functions camera_accounts_v1, account_quotas_v1).
GRANT SELECT ON credential.cameras_v1, credential.accounts_v1 TO ipchls_ingest;

-- playlist-service lists registered cameras and plays what ingest indexed; it checks an account exists before it mints
-- an account's viewer token.
GRANT SELECT ON credential.cameras_v1, credential.accounts_v1 TO ipchls_playlist;
GRANT SELECT ON ingest.segments_v1, ingest.live_sequence_v1, ingest.recordings_v1, ingest.events_v1 TO ipchls_playlist;

-- Account admin tokens (credential V5): playlist-service (minting viewer tokens) and ingest (refusing them on its
-- operator-only API) learn a token's account from its SHA-256, never a hash.
GRANT EXECUTE ON FUNCTION credential.account_for_admin_token(text) TO ipchls_ingest, ipchls_playlist;

-- playlist-service's clip export jobs (issue 18 item 4): created by ingest's migrations (V38, the one migration runner)
-- but read and written by playlist-service alone, so any playlist instance answers for a job another one runs.
GRANT SELECT, INSERT, UPDATE, DELETE ON ingest.clip_exports TO ipchls_playlist;
