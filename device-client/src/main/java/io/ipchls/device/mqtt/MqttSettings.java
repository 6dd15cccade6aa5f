package io.ipchls.device.mqtt;

import io.ipchls.device.tls.TrustedCa;

/**
 * Where and as whom a camera connects to the broker; the secret is never logged.
 *
 * @param tls connect over TLS (certificate chain, validity and host name verified)
 * @param trust the CA certificates the broker's certificate must chain to, or null for the JVM's default trust store
 */
public record MqttSettings(String cameraId, String secret, String host, int port, boolean tls, TrustedCa trust) {
  /** How often an online camera repeats its status with its counters, by default. */
  public static final long STATUS_INTERVAL_MS = 60_000;

  /** Trusting the JVM's default trust store. */
  public MqttSettings(String cameraId, String secret, String host, int port, boolean tls) {
    this(cameraId, secret, host, port, tls, null);
  }

  @Override
  public String toString() {
    return "MqttSettings[cameraId=" + cameraId + ", host=" + host + ", port=" + port + ", tls=" + tls
        + (trust == null ? "" : ", trust=" + trust.file()) + "]";
  }
}
