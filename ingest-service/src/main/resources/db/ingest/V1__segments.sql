-- Segment index: one row per uploaded segment. Owned by ingest-service, read by playlist-service.
-- Partitioned by segment start time so retention can drop whole partitions. A DEFAULT partition catches any
-- time for which no daily partition exists yet; ingest creates daily partitions ahead of time.
CREATE TABLE segments (
    camera_id    text        NOT NULL,
    start_at     timestamptz NOT NULL,           -- first frame, camera clock (UTC)
    duration_ms  integer     NOT NULL CHECK (duration_ms > 0 AND duration_ms <= 60000),
    object_key   text        NOT NULL,
    bytes        bigint      NOT NULL CHECK (bytes > 0),
    sha256       text,
    seq          bigint      NOT NULL,           -- camera's segment counter since its process started
    codec        text,
    width        integer,
    height       integer,
    device_time  timestamptz NOT NULL,           -- camera clock when it announced the segment
    received_at  timestamptz NOT NULL DEFAULT now(),  -- server clock when ingest committed it
    clock_jump   boolean     NOT NULL DEFAULT false,
    -- exactly once: a redelivered notification hits this key and is ignored
    PRIMARY KEY (camera_id, start_at, object_key)
) PARTITION BY RANGE (start_at);

CREATE TABLE segments_default PARTITION OF segments DEFAULT;

-- live and replay read "a camera's segments in a time range, in order"; the primary key serves that.
