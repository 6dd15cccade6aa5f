package io.ipchls.playlist.http;

import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;

/** {@code GET /api/v1/cameras/{id}/clip.mp4?start=&end=}: the camera and the half-open range [start, end). */
record ClipRequest(String cameraId, Instant start, Instant end) {
  /** The longest clip: a day of recording (its moov is about 20 bytes a frame, some 40 MB at 25 fps with audio). */
  static final Duration MAX_RANGE = Duration.ofHours(24);

  static ClipRequest from(String id, MultiMap params) {
    String cameraId = QueryParams.cameraId(id, "id");
    QueryParams.TimeRange range = QueryParams.range(params, MAX_RANGE);
    return new ClipRequest(cameraId, range.start(), range.end());
  }
}
