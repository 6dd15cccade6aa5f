-- The live target duration per camera (issue 18 item 7). A live playlist's EXT-X-TARGETDURATION was one setting for
-- every camera (playlist-service's liveTargetDurationSeconds, 4): a 3 s camera's players then waited half of 4 s after
-- an unchanged reload (RFC 8216 §6.3.4) and played 6.8 s behind. Cameras now announce the segment length they are
-- configured to cut (SegmentNotification.targetSeconds, whole seconds); ingest keeps the last one per camera here,
-- written in the statement that indexes the batch, and only when it changed (so the usual batch reads a row and
-- writes nothing). playlist-service reads it through live_sequence_v1 when it loads a live window; after that the
-- window learns it from ingest's event. A camera that never said has no row: the playlist's default applies.
CREATE TABLE live_target (
    camera_id      text PRIMARY KEY,
    -- the bounds of SegmentDuration (protocol): MIN_SECONDS, MAX_SECONDS
    target_seconds smallint    NOT NULL CHECK (target_seconds BETWEEN 1 AND 60),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- The read contract grows by columns only (V21): the camera's announced target beside its live counters (null: the
-- camera never said).
CREATE OR REPLACE VIEW live_sequence_v1 AS
  SELECT s.camera_id, s.next_media_seq, s.last_discontinuity_seq, t.target_seconds
  FROM live_sequence s LEFT JOIN live_target t ON t.camera_id = s.camera_id;

-- Clip export jobs (issue 18 item 4): playlist-service remuxes a camera's range into one faststart MP4 and writes it
-- with a manifest (every source object's key, size and SHA-256) under the bucket's service prefix
-- (ObjectKeys.EXPORTS_PREFIX, which no camera's credentials reach). The jobs live here so that any playlist instance
-- answers for a job another one runs; ingest's Flyway is the only migration runner, playlist-service alone reads and
-- writes this table (ARCHITECTURE.md "Clip export jobs"). A job is 'running' until its instance records 'done' or
-- 'failed'; one whose instance stopped is reported failed after playlist's exports.maxRunMinutes. Rows and objects
-- are deleted after expires_at by playlist-service's export sweep.
CREATE TABLE clip_exports (
    export_id      uuid        PRIMARY KEY,
    camera_id      text        NOT NULL,
    start_at       timestamptz NOT NULL,
    end_at         timestamptz NOT NULL CHECK (end_at > start_at),
    state          text        NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    expires_at     timestamptz NOT NULL,
    error          text,
    mp4_key        text,
    mp4_bytes      bigint      CHECK (mp4_bytes >= 0),
    mp4_sha256     text        CHECK (mp4_sha256 ~ '^[0-9a-f]{64}$'),
    manifest_key   text,
    segment_count  integer,
    CHECK ((state = 'done') = (mp4_key IS NOT NULL AND manifest_key IS NOT NULL))
);

-- the running jobs (the concurrency bound counts them) and the expired ones (the sweep)
CREATE INDEX clip_exports_running ON clip_exports (created_at) WHERE state = 'running';
CREATE INDEX clip_exports_expiry ON clip_exports (expires_at);
