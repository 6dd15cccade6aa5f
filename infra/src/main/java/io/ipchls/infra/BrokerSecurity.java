package io.ipchls.infra;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import io.ipchls.protocol.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's security hooks: CONNECT goes to {@link BrokerAuth} (asynchronously, with a timeout), the decision is
 * kept in the connection's attribute store, and every PUBLISH/SUBSCRIBE is checked against it with the camera ACL
 * from {@link Topics}.
 */
final class BrokerSecurity implements SimpleAuthenticator, PublishAuthorizer, SubscriptionAuthorizer {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerSecurity.class);
  private static final String ROLE = "ipchls.role";
  private static final String CAMERA_ID = "ipchls.camera-id";

  private final BrokerAuth auth;
  private final Duration timeout;

  BrokerSecurity(BrokerAuth auth, Duration timeout) {
    this.auth = Objects.requireNonNull(auth);
    this.timeout = timeout;
  }

  @Override
  public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
    ConnectPacket connect = input.getConnectPacket();
    String clientId = connect.getClientId();
    String username = connect.getUserName().orElse(null);
    byte[] password = connect.getPassword().map(BrokerSecurity::bytes).orElse(null);
    ConnectionAttributeStore attributes = input.getConnectionInformation().getConnectionAttributeStore();
    String source = input.getConnectionInformation().getInetAddress().map(a -> a.getHostAddress()).orElse(null);
    Async<SimpleAuthOutput> async = output.async(timeout, TimeoutFallback.FAILURE,
        ConnackReasonCode.NOT_AUTHORIZED, "authentication timed out");
    callAuth(clientId, username, password, source).whenComplete((decision, error) -> {
      try {
        AuthDecision d = error != null ? AuthDecision.deny("authentication failed: " + error) : check(decision,
            clientId, username);
        if (d.ok()) {
          attributes.putAsString(ROLE, d.role().name());
          if (d.cameraId() != null) attributes.putAsString(CAMERA_ID, d.cameraId());
          output.authenticateSuccessfully();
        } else {
          LOG.info("MQTT connect refused: clientId={} username={} reason={}", clientId, username, d.reason());
          output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "not authorized");
        }
      } catch (RuntimeException e) {
        // Thrown when the decision arrives after the timeout already refused the client.
        LOG.debug("late authentication result for {} ignored", clientId, e);
      } finally {
        async.resume();
      }
    });
  }

  private CompletionStage<AuthDecision> callAuth(String clientId, String username, byte[] password, String source) {
    try {
      CompletionStage<AuthDecision> stage = auth.authenticate(clientId, username, password, source);
      return stage != null ? stage : CompletableFuture.failedFuture(new NullPointerException("null stage"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Applies the broker's own rule on top of the callback's answer: a camera connects as itself only. */
  private static AuthDecision check(AuthDecision d, String clientId, String username) {
    if (d == null) return AuthDecision.deny("no decision");
    if (!d.ok() || d.role() != AuthDecision.Role.CAMERA) return d;
    if (!d.cameraId().equals(clientId) || !d.cameraId().equals(username)) {
      return AuthDecision.deny("camera " + d.cameraId() + " must use its id as client id and user name");
    }
    return d;
  }

  @Override
  public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
    String topic = input.getPublishPacket().getTopic();
    Optional<String> refusal = refusal(input.getConnectionInformation().getConnectionAttributeStore(),
        cameraId -> Topics.cameraMayPublish(cameraId, topic));
    if (refusal.isEmpty()) {
      output.authorizeSuccessfully();
    } else {
      LOG.info("MQTT publish refused: clientId={} topic={} reason={}",
          input.getClientInformation().getClientId(), topic, refusal.get());
      output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, "not authorized");
    }
  }

  @Override
  public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
    String filter = input.getSubscription().getTopicFilter();
    Optional<String> refusal = refusal(input.getConnectionInformation().getConnectionAttributeStore(),
        cameraId -> Topics.cameraMaySubscribe(cameraId, filter));
    if (refusal.isEmpty()) {
      output.authorizeSuccessfully();
    } else {
      LOG.info("MQTT subscribe refused: clientId={} filter={} reason={}",
          input.getClientInformation().getClientId(), filter, refusal.get());
      output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, "not authorized");
    }
  }

  private static Optional<String> refusal(ConnectionAttributeStore attributes,
      java.util.function.Predicate<String> cameraAcl) {
    String role = attributes.getAsString(ROLE).orElse(null);
    if (AuthDecision.Role.SERVICE.name().equals(role)) return Optional.empty();
    if (!AuthDecision.Role.CAMERA.name().equals(role)) return Optional.of("unauthenticated connection");
    String cameraId = attributes.getAsString(CAMERA_ID).orElse("");
    return cameraAcl.test(cameraId) ? Optional.empty() : Optional.of("outside camera " + cameraId + "'s topics");
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }
}
