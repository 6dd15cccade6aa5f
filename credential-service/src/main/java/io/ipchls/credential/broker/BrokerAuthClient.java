package io.ipchls.credential.broker;

import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.cluster.ClusterSeal;
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
 *
 * <p>The password crosses the event bus sealed ({@link ClusterSeal}) for this client id and user name: a member that
 * joined the cluster uninvited reads nothing from it, and a sealed password copied into a check for another camera
 * does not open.
 */
public final class BrokerAuthClient {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BrokerAuthClient.class);
  private static final String SEALED_REPLY = "sealed";
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
    if (username == null) return Future.succeededFuture(BrokerLoginDecision.refused(BrokerLoginDecision.UNAVAILABLE));
    JsonObject request = sealedRequest(vertx, clientId == null ? "" : clientId, username,
        password == null ? "" : new String(password, StandardCharsets.UTF_8), sourceAddress);
    return vertx.eventBus().<JsonObject>request(ClusterNames.BROKER_AUTHENTICATE, request,
            new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .map(msg -> openReply(vertx, request, msg.body()))
        .otherwise(e -> {
          if (e instanceof ClusterSeal.SealException) {
            LOG.warn("a login check was answered by a member without this cluster's secret: refused");
          }
          return BrokerLoginDecision.refused(BrokerLoginDecision.UNAVAILABLE);
        });
  }

  /** The event-bus body of a login check: the password sealed for this client id and user name. */
  public static JsonObject sealedRequest(Vertx vertx, String clientId, String username, String password,
      String sourceAddress) {
    return ClusterMessages.toJson(new BrokerLoginRequest(clientId, username,
        ClusterSeal.of(vertx).seal(sealPurpose(clientId, username), password), sourceAddress));
  }

  /**
   * The decision in a reply to {@code request}; the reply is sealed for that request (its sealed password, unique by
   * its nonce), so only a member holding the cluster secret can answer, and an answer to one check does not fit
   * another.
   *
   * @throws ClusterSeal.SealException when the reply was not sealed with this cluster's secret for this request
   */
  public static BrokerLoginDecision openReply(Vertx vertx, JsonObject request, JsonObject reply) {
    String sealed = reply == null ? null : reply.getString(SEALED_REPLY);
    return ClusterMessages.fromJson(new JsonObject(ClusterSeal.of(vertx).open(replyPurpose(request), sealed)),
        BrokerLoginDecision.class);
  }

  /** The reply body that carries {@code decision} sealed for {@code request}. */
  public static JsonObject sealReply(Vertx vertx, JsonObject request, BrokerLoginDecision decision) {
    return new JsonObject().put(SEALED_REPLY, ClusterSeal.of(vertx).seal(replyPurpose(request),
        ClusterMessages.toJson(decision).encode()));
  }

  private static String replyPurpose(JsonObject request) {
    Object password = request == null ? null : request.getValue("password");
    return ClusterNames.BROKER_AUTHENTICATE + "\nreply\n" + (password instanceof String p ? p : "");
  }

  /** What a login check's password is sealed for: the address, client id and user name it belongs to. */
  public static String sealPurpose(String clientId, String username) {
    return ClusterNames.BROKER_AUTHENTICATE + "\n" + clientId + "\n" + java.util.Objects.requireNonNull(username);
  }
}
