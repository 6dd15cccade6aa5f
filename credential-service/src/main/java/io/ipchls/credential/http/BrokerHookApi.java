package io.ipchls.credential.http;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.CredentialConfig.AuthSettings;
import io.ipchls.credential.broker.BrokerAuthClient;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.Routes;
import io.ipchls.protocol.CameraIds;
import io.ipchls.protocol.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and topic authorization for an external broker, in the shape of EMQX 5's HTTP authenticator and
 * HTTP authorizer ({@code {"result": "allow"|"deny", "is_superuser": false}}). Logins go through
 * {@link BrokerAuthClient} to the same decision the embedded broker's hook gets; topics through the same camera ACL
 * ({@link Topics#cameraMayPublish}, {@link Topics#cameraMaySubscribe}). Installed only when {@code auth.brokerHookSecret}
 * is configured; every call must carry it in {@value AuthSettings#BROKER_HOOK_HEADER}.
 */
final class BrokerHookApi {
  static final String AUTHENTICATE = "/broker/v1/authenticate";
  static final String AUTHORIZE = "/broker/v1/authorize";
  private static final long MAX_BODY_BYTES = 4096;
  /** An IPv6 address with a zone is at most 45 + a zone; anything longer is no address. */
  private static final int MAX_ADDRESS_CHARS = 64;
  private static final Logger LOG = LoggerFactory.getLogger(BrokerHookApi.class);

  private final Vertx vertx;
  private final CredentialConfig config;
  private final MeterRegistry meters;

  BrokerHookApi(Vertx vertx, CredentialConfig config, MeterRegistry meters) {
    this.vertx = vertx;
    this.config = config;
    this.meters = meters;
  }

  void install(Router r) {
    if (config.auth().brokerHookSecretSha256() == null) return;
    r.route("/broker/v1/*").handler(this::requireSecret);
    r.route("/broker/v1/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    r.post(AUTHENTICATE).respond(this::authenticate);
    r.post(AUTHORIZE).respond(this::authorize);
  }

  private void requireSecret(RoutingContext ctx) {
    if (Sha256.matchesHex(ctx.request().getHeader(AuthSettings.BROKER_HOOK_HEADER),
        config.auth().brokerHookSecretSha256())) {
      ctx.next();
    } else {
      ctx.fail(ApiException.unauthorized("the broker hook secret is required in " + AuthSettings.BROKER_HOOK_HEADER));
    }
  }

  /**
   * EMQX HTTP authenticator: {@code {username, password, clientid, peerhost?}}; {@code peerhost} (the client's IP
   * address) lets failed logins be throttled per address as well.
   */
  private Future<JsonObject> authenticate(RoutingContext ctx) {
    JsonObject body = Routes.jsonBody(ctx);
    String username = field(body, "username");
    String password = field(body, "password");
    String clientId = field(body, "clientid");
    Object peer = body.getValue("peerhost");
    if (peer != null && !(peer instanceof String p && p.length() <= MAX_ADDRESS_CHARS)) {
      throw ApiException.badRequest("bad_peerhost", "peerhost must be an IP address");
    }
    return BrokerAuthClient.authenticate(vertx, clientId, username, password.getBytes(StandardCharsets.UTF_8),
            (String) peer)
        .map(decision -> result(decision.ok()).put("is_superuser", false));
  }

  /** EMQX HTTP authorizer: {@code {username, clientid, topic, action: publish|subscribe}}. */
  private Future<JsonObject> authorize(RoutingContext ctx) {
    JsonObject body = Routes.jsonBody(ctx);
    String username = field(body, "username");
    String clientId = field(body, "clientid");
    String topic = field(body, "topic");
    String action = field(body, "action");
    if (!action.equals("publish") && !action.equals("subscribe")) {
      throw ApiException.badRequest("bad_action", "action must be publish or subscribe");
    }
    boolean allowed = mayUse(username, clientId, topic, action.equals("publish"));
    if (!allowed) {
      LOG.info("broker {} refused: clientId={} username={} topic={}", action, clientId, username, topic);
      meters.counter("broker.acl.refused", "action", action).increment();
    }
    return Future.succeededFuture(result(allowed));
  }

  /** Services may use any topic; a camera (client id = user name = its id) only its own, as on the embedded broker. */
  private boolean mayUse(String username, String clientId, String topic, boolean publish) {
    if (config.serviceAccounts().containsKey(username)) return true;
    if (!CameraIds.isValid(username) || !username.equals(clientId)) return false;
    return publish ? Topics.cameraMayPublish(username, topic) : Topics.cameraMaySubscribe(username, topic);
  }

  private static JsonObject result(boolean allow) {
    return new JsonObject().put("result", allow ? "allow" : "deny");
  }

  private static String field(JsonObject body, String name) {
    if (!(body.getValue(name) instanceof String s)) {
      throw ApiException.badRequest("bad_" + name, name + " must be a string");
    }
    return s;
  }
}
