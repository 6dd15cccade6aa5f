package io.ipchls.protocol;

/** The MQTT broker's defaults, shared by the services' {@code mqtt} settings and the camera SDK. */
public final class BrokerDefaults {
  /** MQTT's registered port without TLS (the embedded broker's too unless configured otherwise). */
  public static final int PORT = 1883;

  private BrokerDefaults() {}
}
