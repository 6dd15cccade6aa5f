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

  /** Lets every client in as a {@link AuthDecision.Role#SERVICE}; for tests that do not care about security. */
  static BrokerAuth allowAllAsService() {
    return (clientId, username, password) -> CompletableFuture.completedFuture(AuthDecision.allowService());
  }
}
