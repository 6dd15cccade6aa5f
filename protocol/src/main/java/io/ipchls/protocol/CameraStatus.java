package io.ipchls.protocol;

/** {@code cameras/{id}/status} (retained; the offline form is the camera's MQTT will). */
public record CameraStatus(int v, String state, Long time) {
  public static final String ONLINE = "online";
  public static final String OFFLINE = "offline";

  public static CameraStatus online(long now) {
    return new CameraStatus(1, ONLINE, now);
  }

  public static CameraStatus offline() {
    return new CameraStatus(1, OFFLINE, null);
  }
}
