package io.ipchls.playlist.http;

import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;

/** {@code GET /replay.m3u8?camera_id=&start=&end=}: the half-open range [start, end). */
record ReplayRequest(String cameraId, Instant start, Instant end) {
  static ReplayRequest from(MultiMap params, Duration maxRange) {
    String cameraId = QueryParams.cameraId(params);
    QueryParams.TimeRange range = QueryParams.range(params, maxRange);
    return new ReplayRequest(cameraId, range.start(), range.end());
  }
}
