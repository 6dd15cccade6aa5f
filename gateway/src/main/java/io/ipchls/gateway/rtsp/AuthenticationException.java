package io.ipchls.gateway.rtsp;

/** The camera refused the credentials (a 401 after they were sent): retrying soon would not help. */
public final class AuthenticationException extends RtspException {
  public AuthenticationException(String message) {
    super(message);
  }
}
