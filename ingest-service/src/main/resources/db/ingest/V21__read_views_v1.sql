-- Read contract of the segment index for playlist-service: it reads these views, never the tables, and gets SELECT on
-- them only (the views read the tables with their owner's, ingest's, rights). Versioned: columns are only ever added
-- here; a change that would break a reader makes segments_v2 / recordings_v2 beside them, and these stay until no
-- reader uses them. Simple views are inlined by the planner, so queries keep their index scans and partition pruning.
CREATE VIEW segments_v1 AS
  SELECT camera_id, start_at, duration_ms, object_key, bytes FROM segments;

-- Recordings: runs of a camera's segments without a gap over the recording gap (180 s), see V3.
CREATE VIEW recordings_v1 AS
  SELECT recording_id, camera_id, start_at, end_at, segment_count, bytes FROM recordings;
