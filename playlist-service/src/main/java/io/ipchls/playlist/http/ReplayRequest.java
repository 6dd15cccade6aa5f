package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;

/** {@code GET /replay.m3u8?camera_id=&start=&end=}: the half-open range [start, end). */
record ReplayRequest(String cameraId, Instant start, Instant end) {
  static ReplayRequest from(MultiMap params, Duration maxRange) {
    String cameraId = QueryParams.cameraId(params);
    Instant start = QueryParams.time(params, "start");
    Instant end = QueryParams.time(params, "end");
    if (!end.isAfter(start)) throw ApiException.badRequest("invalid_range", "end must be after start");
    if (Duration.between(start, end).compareTo(maxRange) > 0) {
      throw ApiException.badRequest("range_too_long", "a replay may span at most " + maxRange.toHours() + " hours");
    }
    return new ReplayRequest(cameraId, start, end);
  }
}
