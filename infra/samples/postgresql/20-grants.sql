-- ipc-hls on an external PostgreSQL, step 2 of 2: run as the administrator AFTER credential-service and
-- ingest-service have started once (their migrations create the tables granted here), and again after an upgrade:
--   psql -d ipchls -v ON_ERROR_STOP=1 -f 20-grants.sql
-- Until it has run, ingest retries its batches (nothing is acknowledged, nothing lost) and playlist answers 500.
-- Idempotent. Least privilege: every grant names the table and, for the device registry, the columns: no other
-- service can read a camera's secret hash, and a new table (e.g. webhooks with signing secrets) stays private to
-- its owner until it is granted here on purpose.

-- ingest-service checks that a segment's key lies under its camera's storage prefix.
GRANT SELECT (id, prefix) ON credential.devices TO ipchls_ingest;

-- playlist-service lists registered cameras and plays what ingest indexed (partitions are read through the parent).
GRANT SELECT (id, enabled, created_at) ON credential.devices TO ipchls_playlist;
GRANT SELECT ON ingest.segments, ingest.recordings TO ipchls_playlist;
