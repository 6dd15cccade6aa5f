package io.ipchls.infra;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether an MQTT client may connect, and in which role. Called by {@link EmbeddedBroker} for every
 * CONNECT; the broker waits for the returned stage without blocking its own threads, and refuses the client if
 * the stage fails or does not complete within {@link EmbeddedBroker#AUTH_TIMEOUT}.
 *
 * <p>The broker itself additionally requires {@code clientId == username == cameraId} for a {@code CAMERA}.
 */
@FunctionalInterface
public interface BrokerAuth {

  /**
   * @param clientId the MQTT client identifier
   * @param username the CONNECT user name, or null if absent
   * @param password the CONNECT password bytes, or null if absent; never log it
   */
  CompletionStage<AuthDecision> authenticate(String clientId, String username, byte[] password);

  /**
   * The same with the client's IP address (as text, or null), which {@link EmbeddedBroker} passes so that failed
   * logins can be throttled per source address. By default the address is not used.
   */
  default CompletionStage<AuthDecision> authenticate(String clientId, String username, byte[] password,
      String sourceAddress) {
    return authenticate(clientId, username, password);
  }

  /** A {@link BrokerAuth} that uses the client's source address. */
  static BrokerAuth withSource(SourceAware auth) {
    return new BrokerAuth() {
      @Override
      public CompletionStage<AuthDecision> authenticate(String clientId, String username, byte[] password) {
        return auth.authenticate(clientId, username, password, null);
      }

      @Override
      public CompletionStage<AuthDecision> authenticate(String clientId, String username, byte[] password,
          String sourceAddress) {
        return auth.authenticate(clientId, username, password, sourceAddress);
      }
    };
  }

  /** {@link BrokerAuth#authenticate(String, String, byte[], String)} as a lambda. */
  @FunctionalInterface
  interface SourceAware {
    CompletionStage<AuthDecision> authenticate(String clientId, String username, byte[] password,
        String sourceAddress);
  }

  /** Lets every client in as a {@link AuthDecision.Role#SERVICE}; for tests that do not care about security. */
  static BrokerAuth allowAllAsService() {
    return (clientId, username, password) -> CompletableFuture.completedFuture(AuthDecision.allowService());
  }
}
