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
