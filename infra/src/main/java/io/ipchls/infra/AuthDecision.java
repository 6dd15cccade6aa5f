package io.ipchls.infra;

import io.ipchls.protocol.BrokerLoginDecision;
import java.util.Objects;

/**
 * The outcome of authenticating an MQTT client.
 *
 * @param ok whether the client may connect
 * @param role what the client may do once connected (null when refused)
 * @param cameraId the camera id for {@link Role#CAMERA}, else null
 * @param reason why it was refused, for the log (never the password); may be null when allowed
 */
public record AuthDecision(boolean ok, Role role, String cameraId, String reason) {

  /** What an authenticated client may do. */
  public enum Role {
    /** Publishes and subscribes only on its own topics ({@code Topics.cameraMayPublish/cameraMaySubscribe}). */
    CAMERA,
    /** A backend service: may publish and subscribe anywhere. */
    SERVICE
  }

  public AuthDecision {
    if (ok) {
      Objects.requireNonNull(role, "role");
      if (role == Role.CAMERA) Objects.requireNonNull(cameraId, "cameraId");
    }
  }

  public static AuthDecision allowCamera(String cameraId) {
    return new AuthDecision(true, Role.CAMERA, cameraId, null);
  }

  public static AuthDecision allowService() {
    return new AuthDecision(true, Role.SERVICE, null, null);
  }

  public static AuthDecision deny(String reason) {
    return new AuthDecision(false, null, null, reason);
  }

  /**
   * From an authentication service's answer {@code (ok, role "camera"|"service", cameraId, reason)}, as
   * credential-service gives it.
   */
  public static AuthDecision of(boolean ok, String role, String cameraId, String reason) {
    if (!ok) return deny(reason == null ? "refused" : reason);
    return BrokerLoginDecision.CAMERA.equals(role) ? allowCamera(cameraId) : allowService();
  }

  /** From credential-service's reply on the event bus. */
  public static AuthDecision of(BrokerLoginDecision decision) {
    return of(decision.ok(), decision.role(), decision.cameraId(), decision.reason());
  }
}
