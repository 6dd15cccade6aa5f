-- Camera events (issue 18 item 5): motion, person, vehicle, doorbell, sound or custom, from a camera over MQTT
-- (cameras/{id}/events) or from an app over HTTP (POST /api/v1/cameras/{id}/events). The sender's event id is the
-- idempotency key: the same (camera, id) again adds nothing, whichever way it came. Times as in segments: start_at,
-- end_at (NULL: an instant). Rows go with the camera's segments: the retention sweep deletes events that started
-- before the camera's retention cutoff (retention_cutoff, V32).
CREATE TABLE events (
  camera_id   text        NOT NULL,
  event_id    text        NOT NULL CHECK (event_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  type        text        NOT NULL CHECK (type IN ('motion', 'person', 'vehicle', 'doorbell', 'sound', 'custom')),
  label       text        CHECK (octet_length(label) BETWEEN 1 AND 64),
  start_at    timestamptz NOT NULL,
  end_at      timestamptz CHECK (end_at >= start_at AND end_at <= start_at + interval '24 hours'),
  data        jsonb       CHECK (jsonb_typeof(data) = 'object' AND octet_length(data::text) <= 8192),
  source      text        NOT NULL CHECK (source IN ('mqtt', 'http')),
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (camera_id, event_id)
);

-- A camera's events in a time range (the playlist's DATERANGE tags, the timeline's markers), and of one type.
CREATE INDEX events_camera_start ON events (camera_id, start_at);
CREATE INDEX events_camera_type_start ON events (camera_id, type, start_at);
-- The retention sweep walks the oldest events first.
CREATE INDEX events_start ON events (start_at);

-- The read contract for playlist-service (see V21): columns are only ever added.
CREATE VIEW events_v1 AS
  SELECT camera_id, event_id, type, label, start_at, end_at, data FROM events;

-- Deletes up to max_rows events that started before their camera's retention cutoff, oldest first; returns how many.
CREATE FUNCTION delete_expired_events(default_days integer, max_rows integer)
RETURNS integer
LANGUAGE sql
SET search_path = ${flyway:defaultSchema}
AS $$
  WITH gone AS (
    DELETE FROM events e
    WHERE (e.camera_id, e.event_id) IN (
      SELECT x.camera_id, x.event_id FROM events x
      WHERE x.start_at < now() - make_interval(days => (SELECT least(default_days, min(retention_days))
                                                         FROM camera_settings))
        AND x.start_at < retention_cutoff(x.camera_id, default_days)
      ORDER BY x.start_at
      LIMIT max_rows)
    RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;
