package io.ipchls.gateway.rtsp;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/** An RTSP response, copied out of Netty's buffers. */
record RtspResponse(int status, String reason, HttpHeaders headers, String body) {
  String header(String name) {
    return headers.get(name);
  }

  List<String> all(String name) {
    return headers.getAll(name);
  }

  String statusLine() {
    return status + " " + reason;
  }
}
