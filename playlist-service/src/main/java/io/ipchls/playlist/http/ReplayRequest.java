package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code GET /replay.m3u8?camera_id=&start=&end=[&links=short|full]}: the half-open range [start, end) and the form of
 * its segment links.
 */
record ReplayRequest(String cameraId, Instant start, Instant end, Links links) {
  /** How a replay names its segments. */
  enum Links {
    /** {@link ShortLinks}, resolved by this service (the default). */
    SHORT,
    /** The seed's form: every line a complete presigned URL (or, in proxy mode, a proxy path with the token). */
    FULL
  }

  static ReplayRequest from(MultiMap params, Duration maxRange) {
    String cameraId = QueryParams.cameraId(params);
    QueryParams.TimeRange range = QueryParams.range(params, maxRange);
    return new ReplayRequest(cameraId, range.start(), range.end(), links(params.get("links")));
  }

  private static Links links(String value) {
    if (value == null || value.equals("short")) return Links.SHORT;
    if (value.equals("full")) return Links.FULL;
    throw ApiException.badRequest("invalid_links", "links must be 'short' or 'full', got: "
        + (value.length() > 40 ? value.substring(0, 40) + "..." : value));
  }
}
