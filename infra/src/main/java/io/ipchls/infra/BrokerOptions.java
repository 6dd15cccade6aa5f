package io.ipchls.infra;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start an {@link EmbeddedBroker}.
 *
 * @param dataDir directory for the broker's configuration and persistent sessions; created if missing
 * @param host address to bind, null for 127.0.0.1
 * @param port MQTT TCP port, 0 for a free one
 * @param auth authentication callback; use {@link BrokerAuth#allowAllAsService()} if security does not matter
 * @param tls the server certificate for MQTT over TLS on {@code port}, or null for plain MQTT on {@code port}
 * @param plainPort with {@code tls}: a plain MQTT port besides the TLS one (0 for a free one), or -1 for none
 */
public record BrokerOptions(Path dataDir, String host, int port, BrokerAuth auth, ServerTls tls, int plainPort) {
  public BrokerOptions {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(auth, "auth");
    if (host == null || host.isBlank()) host = "127.0.0.1";
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    if (tls == null) plainPort = -1;
    if (plainPort < -1 || plainPort > 65535) throw new IllegalArgumentException("plain port out of range: " + plainPort);
  }

  /** Plain MQTT only, on {@code port}. */
  public BrokerOptions(Path dataDir, String host, int port, BrokerAuth auth) {
    this(dataDir, host, port, auth, null, -1);
  }

  /** 127.0.0.1, a free port. */
  public static BrokerOptions local(Path dataDir, BrokerAuth auth) {
    return new BrokerOptions(dataDir, null, 0, auth);
  }
}
