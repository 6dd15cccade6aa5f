-- Recording control (issue 7): the tables shared by the two halves of the work, record templates/tasks and
-- callbacks. Templates and tasks write events into recording_events (in the transaction that changes the state the
-- event reports, where there is one); the callback dispatcher reads them from here, publishes each on the MQTT topic
-- events/recordings and fans it out to webhooks. The table is the outbox: an event written here is never lost, even
-- if the instance that wrote it dies before anyone delivered it.
-- Flyway versions: V8-V19 templates/tasks/record files/index files, V20-V29 callbacks and webhooks.

CREATE TABLE record_templates (
    template_id          text        PRIMARY KEY,            -- 'tpl_' + 16 hex (server-chosen)
    name                 text        NOT NULL UNIQUE,
    segment_seconds      integer     NOT NULL CHECK (segment_seconds BETWEEN 1 AND 60),
    retention_days       integer     NOT NULL CHECK (retention_days BETWEEN 1 AND 36500),
    index_period_seconds integer     NOT NULL CHECK (index_period_seconds BETWEEN 60 AND 86400),
    prefix_pattern       text        NOT NULL,               -- where the camera writes, always inside its own prefix
    -- which events are called back where: {"events": ["recording.started", ...], "webhooks": ["wh_...", ...]}
    callbacks            jsonb       NOT NULL DEFAULT '{"events": [], "webhooks": []}',
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Registered HTTP webhooks (the callbacks half adds its columns: signing secret, state...).
CREATE TABLE webhooks (
    webhook_id text        PRIMARY KEY,                      -- 'wh_' + 16 hex (server-chosen)
    url        text        NOT NULL CHECK (url ~ '^https?://'),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recording_events (
    event_id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type          text        NOT NULL CHECK (type IN ('recording.started', 'recording.stopped', 'index.ready',
                                                       'camera.online', 'camera.offline')),
    camera_id     text        NOT NULL,
    task_id       text,                                      -- the camera's task when it happened, if any
    template_id   text,                                      -- that task's template (decides the webhooks)
    occurred_at   timestamptz NOT NULL,
    payload       jsonb       NOT NULL,                      -- the event exactly as published (RecordingEvent JSON)
    created_at    timestamptz NOT NULL DEFAULT now(),
    dispatched_at timestamptz                                -- set by the dispatcher once published + fanned out
);
CREATE INDEX recording_events_undispatched ON recording_events (event_id) WHERE dispatched_at IS NULL;
CREATE INDEX recording_events_camera ON recording_events (camera_id, occurred_at);
