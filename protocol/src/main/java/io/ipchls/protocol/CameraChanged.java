package io.ipchls.protocol;

/**
 * Published on {@link ClusterNames#CAMERA_CHANGED} when a camera is disabled, its secret rotated or it is deleted:
 * cached logins are forgotten and a broker closes the camera's session. Its wire form is the bare camera id as a
 * string body (not JSON), as since the address exists, so members of the previous version still understand it.
 */
public record CameraChanged(String cameraId) {
  /** The event-bus body. */
  public String toBody() {
    return cameraId;
  }

  /** Reads a body; anything but a valid camera id is a {@link ProtocolException}. */
  public static CameraChanged fromBody(Object body) {
    if (!(body instanceof String id) || !CameraIds.isValid(id)) {
      throw new ProtocolException("not a camera id: " + body);
    }
    return new CameraChanged(id);
  }
}
