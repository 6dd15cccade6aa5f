package io.ipchls.gateway.record;

/** Where a camera's recorder is. */
public enum RecorderState {
  /** Opening the RTSP session. */
  CONNECTING,
  /** Playing: media flows into the camera SDK. */
  STREAMING,
  /** The session ended; waiting (with backoff) before the next attempt. */
  RECONNECTING,
  /** The camera refused the credentials; retried slowly (a storm of wrong logins can lock cameras out). */
  AUTH_FAILED,
  /** The camera offers nothing the SDK can record; retried slowly (its configuration may change). */
  UNSUPPORTED,
  /** Removed from the config or the gateway is stopping. */
  STOPPED
}
