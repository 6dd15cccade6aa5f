-- Record tasks (issue 7): which cameras record under which template, when; the camera's online state; what the
-- recording-event job has announced; the index files written. See docs/ARCHITECTURE.md "Recording control".

CREATE TABLE record_tasks (
    task_id     text        PRIMARY KEY,                     -- 'task_' + 16 hex (server-chosen)
    template_id text        NOT NULL,                        -- the current template (no FK: a stopped task keeps it)
    state       text        NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'stopped')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    stopped_at  timestamptz
);

-- One row per stretch of time a camera recorded for a task under one template, with that template's settings as
-- they were (so a later template change or delete never rewrites history). Start opens one per camera, an update
-- (or a change of the template) closes the running ones and opens new ones at the same instant, stop closes them.
CREATE TABLE task_spans (
    span_id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id              text        NOT NULL REFERENCES record_tasks (task_id),
    camera_id            text        NOT NULL,
    template_id          text        NOT NULL,
    segment_seconds      integer     NOT NULL,
    index_period_seconds integer     NOT NULL,
    camera_prefix        text        NOT NULL,               -- the camera's registry prefix when the span began
    key_prefix           text        NOT NULL,               -- the template's pattern resolved for this camera
    started_at           timestamptz NOT NULL,
    stopped_at           timestamptz,
    indexed_until        timestamptz NOT NULL,               -- index files cover [started_at, indexed_until)
    command_pending      boolean     NOT NULL DEFAULT true,  -- the camera's retained command is not yet published
    CHECK (stopped_at IS NULL OR stopped_at >= started_at)
);
-- A camera records for at most one task at a time: a second running span is a unique violation (409).
CREATE UNIQUE INDEX task_spans_one_running ON task_spans (camera_id) WHERE stopped_at IS NULL;
CREATE INDEX task_spans_task ON task_spans (task_id, camera_id);
CREATE INDEX task_spans_camera ON task_spans (camera_id, span_id);
CREATE INDEX task_spans_to_index ON task_spans (span_id) WHERE stopped_at IS NULL OR indexed_until < stopped_at;
CREATE INDEX task_spans_pending ON task_spans (camera_id) WHERE command_pending;

-- The last status each camera reported (retained online, or its offline will); events are written on changes only.
CREATE TABLE camera_status (
    camera_id  text        PRIMARY KEY,
    online     boolean     NOT NULL,
    changed_at timestamptz NOT NULL
);

-- What the recording-event job announced per recording: started (row exists), stopped (stopped_end = the recording's
-- end then). A recording that grows after its stop (the camera came back within the gap) is announced as started
-- again. Recordings that exist now count as announced, so a deployment does not flood receivers with old news.
CREATE TABLE recording_marks (
    recording_id bigint      PRIMARY KEY,
    camera_id    text        NOT NULL,
    marked_at    timestamptz NOT NULL DEFAULT now(),
    stopped_end  timestamptz
);
CREATE INDEX recording_marks_open ON recording_marks (recording_id) WHERE stopped_end IS NULL;
CREATE INDEX recording_marks_stopped ON recording_marks (marked_at) WHERE stopped_end IS NOT NULL;
INSERT INTO recording_marks (recording_id, camera_id, stopped_end)
SELECT recording_id, camera_id, end_at FROM recordings;

-- Index files written to the bucket: one per task span and period (the primary key makes it once).
CREATE TABLE index_files (
    span_id      bigint      NOT NULL REFERENCES task_spans (span_id),
    period_start timestamptz NOT NULL,
    period_end   timestamptz NOT NULL,
    task_id      text        NOT NULL,
    camera_id    text        NOT NULL,
    object_key   text        NOT NULL,
    segment_count integer    NOT NULL,
    duration_ms  bigint      NOT NULL,
    bytes        bigint      NOT NULL,
    written_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (span_id, period_start)
);
CREATE INDEX index_files_camera ON index_files (camera_id, period_start);
CREATE INDEX index_files_task ON index_files (task_id, period_start);
