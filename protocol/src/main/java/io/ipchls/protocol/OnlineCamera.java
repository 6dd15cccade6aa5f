package io.ipchls.protocol;

/**
 * A camera's entry in {@link ClusterNames#CAMERAS_ONLINE} while it is online: its last {@link CameraStatus}
 * ({@code state}, camera {@code time}, counters, each optional as there) and when the server received it
 * ({@code receivedAt}, epoch ms).
 */
public record OnlineCamera(String state, Long time, long receivedAt, Long uploaded, Long dropped) {
  public static OnlineCamera of(CameraStatus status, long receivedAt) {
    return new OnlineCamera(status.state(), status.time(), receivedAt, status.uploaded(), status.dropped());
  }
}
