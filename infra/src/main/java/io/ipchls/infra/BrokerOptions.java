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
 */
public record BrokerOptions(Path dataDir, String host, int port, BrokerAuth auth) {
  public BrokerOptions {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(auth, "auth");
    if (host == null || host.isBlank()) host = "127.0.0.1";
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
  }

  /** 127.0.0.1, a free port. */
  public static BrokerOptions local(Path dataDir, BrokerAuth auth) {
    return new BrokerOptions(dataDir, null, 0, auth);
  }
}
