package io.ipchls.protocol;

/**
 * The reply on {@link ClusterNames#BROKER_AUTHENTICATE}: {@code {ok: true, role: camera, cameraId}}, {@code {ok:
 * true, role: service}} or {@code {ok: false, reason}}.
 */
public record BrokerLoginDecision(boolean ok, String role, String cameraId, String reason) {
  public static final String CAMERA = "camera";
  public static final String SERVICE = "service";
  /** The reason when nobody could decide in time (no credential-service in the cluster, timeout). */
  public static final String UNAVAILABLE = "unavailable";

  public static BrokerLoginDecision camera(String cameraId) {
    return new BrokerLoginDecision(true, CAMERA, cameraId, null);
  }

  public static BrokerLoginDecision service() {
    return new BrokerLoginDecision(true, SERVICE, null, null);
  }

  public static BrokerLoginDecision refused(String reason) {
    return new BrokerLoginDecision(false, null, null, reason);
  }
}
