package io.ipchls.playlist.http;

import io.vertx.core.MultiMap;

/** {@code GET /playlist.m3u8?camera_id=}. */
record LiveRequest(String cameraId) {
  static LiveRequest from(MultiMap params) {
    return new LiveRequest(QueryParams.cameraId(params));
  }
}
