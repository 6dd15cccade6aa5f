-- Read contract of the camera registry for the other services (ingest: prefixes; playlist-service: camera list).
-- Only non-secret columns: readers get SELECT on this view, never on devices, and the view reads devices with its
-- owner's (credential-service's) rights. Versioned: columns are only ever added here; a change that would break a
-- reader makes cameras_v2 beside it, and this one stays until no reader uses it. Its one Java reader is service-kit's
-- CameraRegistryReader.
CREATE VIEW cameras_v1 AS
  SELECT id, prefix, enabled, created_at FROM devices;
