package io.ipchls.credential.broker;

import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.protocol.BrokerLoginDecision;
import io.ipchls.protocol.BrokerLoginRequest;
import io.ipchls.protocol.ClusterNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The asking side of {@link ClusterNames#BROKER_AUTHENTICATE}, for whatever fronts a broker: the embedded broker's
 * hook (launcher, tests, benchmarks) and the external-broker HTTP endpoint. Any failure (no credential-service in the
 * cluster, timeout, an unreadable reply) is a refusal with reason {@code unavailable}.
 */
public final class BrokerAuthClient {
  /** How long a login check may take before it is refused. */
  public static final long TIMEOUT_MS = 5000;

  private BrokerAuthClient() {}

  /**
   * The decision for one CONNECT.
   *
   * @param password the CONNECT password bytes (UTF-8), or null; never logged
   */
  public static Future<BrokerLoginDecision> authenticate(Vertx vertx, String clientId, String username,
      byte[] password) {
    return authenticate(vertx, clientId, username, password, null);
  }

  /**
   * The decision for one CONNECT from {@code sourceAddress} (the client's IP address as text, or null when the broker
   * does not say), by which failed logins are also throttled.
   *
   * @param password the CONNECT password bytes (UTF-8), or null; never logged
   */
  public static Future<BrokerLoginDecision> authenticate(Vertx vertx, String clientId, String username,
      byte[] password, String sourceAddress) {
    BrokerLoginRequest req = new BrokerLoginRequest(clientId == null ? "" : clientId, username,
        password == null ? "" : new String(password, StandardCharsets.UTF_8), sourceAddress);
    return vertx.eventBus().<JsonObject>request(ClusterNames.BROKER_AUTHENTICATE, ClusterMessages.toJson(req),
            new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .map(msg -> ClusterMessages.fromJson(msg.body(), BrokerLoginDecision.class))
        .otherwise(e -> BrokerLoginDecision.refused(BrokerLoginDecision.UNAVAILABLE));
  }
}
