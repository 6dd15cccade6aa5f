package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.vertx.core.MultiMap;
import java.time.Duration;

/**
 * {@code GET /multivariant.m3u8?camera_id=[&start=&end=][&links=]}: without a range, the variant is the camera's live
 * playlist; with one, its replay of [start, end) (the replay's own rules and limits).
 */
record MultivariantRequest(String cameraId, ReplayRequest replay) {
  static MultivariantRequest from(MultiMap params, Duration maxRange) {
    String cameraId = QueryParams.cameraId(params);
    boolean ranged = params.contains("start") || params.contains("end");
    if (!ranged && params.contains("links")) {
      throw ApiException.badRequest("invalid_links", "links applies to a replay: give start and end too");
    }
    return new MultivariantRequest(cameraId, ranged ? ReplayRequest.from(params, maxRange) : null);
  }

  boolean isLive() {
    return replay == null;
  }
}
