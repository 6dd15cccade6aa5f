-- Per-camera settings owned by ingest. retention_days overrides the service's default retention (retentionDays,
-- 7 days) for one camera: its segments older than that are deleted from storage and from the index, and
-- notifications of segments older than that are refused.
CREATE TABLE camera_settings (
    camera_id      text        PRIMARY KEY,
    retention_days integer     NOT NULL CHECK (retention_days BETWEEN 1 AND 36500),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
