package io.ipchls.device.mqtt;

/**
 * Where and as whom a camera connects to the broker; the secret is never logged.
 *
 * @param tls connect over TLS (certificates and host name verified)
 */
public record MqttSettings(String cameraId, String secret, String host, int port, boolean tls) {
  /** How often an online camera repeats its status with its counters, by default. */
  public static final long STATUS_INTERVAL_MS = 60_000;

  @Override
  public String toString() {
    return "MqttSettings[cameraId=" + cameraId + ", host=" + host + ", port=" + port + ", tls=" + tls + "]";
  }
}
