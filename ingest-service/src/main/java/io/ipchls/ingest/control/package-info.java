/**
 * Recording control: record templates and tasks (admin API handlers in
 * {@link io.ipchls.ingest.control.RecordingControlHandlers}), the camera command/status link
 * ({@link io.ipchls.ingest.control.CameraControlVerticle}), and the job that writes recording events and index files
 * ({@link io.ipchls.ingest.control.RecordingControlVerticle}, {@link io.ipchls.ingest.control.IndexFileJob}).
 * Settings: {@link io.ipchls.ingest.control.ControlConfig}.
 */
package io.ipchls.ingest.control;
