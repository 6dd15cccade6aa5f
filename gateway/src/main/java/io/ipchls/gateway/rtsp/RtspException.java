package io.ipchls.gateway.rtsp;

import java.io.IOException;

/** An RTSP session failed: the connection broke, timed out, or the camera answered with an error. */
public class RtspException extends IOException {
  public RtspException(String message) {
    super(message);
  }

  public RtspException(String message, Throwable cause) {
    super(message, cause);
  }
}
