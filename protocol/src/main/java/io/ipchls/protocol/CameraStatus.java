package io.ipchls.protocol;

/**
 * {@code cameras/{id}/status} (retained; the offline form is the camera's MQTT will). While online a camera repeats
 * it every minute or so with its counters since it started: {@code uploaded} segments stored, {@code dropped}
 * segments lost (both optional, absent in the will and from cameras that do not count).
 */
public record CameraStatus(int v, String state, Long time, Long uploaded, Long dropped) {
  public static final String ONLINE = "online";
  public static final String OFFLINE = "offline";

  public static CameraStatus online(long now) {
    return new CameraStatus(1, ONLINE, now, null, null);
  }

  /** The periodic online status with the camera's counters. */
  public static CameraStatus online(long now, long uploaded, long dropped) {
    return new CameraStatus(1, ONLINE, now, uploaded, dropped);
  }

  public static CameraStatus offline() {
    return new CameraStatus(1, OFFLINE, null, null, null);
  }
}
