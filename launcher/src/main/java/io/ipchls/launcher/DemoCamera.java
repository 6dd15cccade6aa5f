package io.ipchls.launcher;

import io.ipchls.device.Camera;
import io.ipchls.device.sim.SimulatedCamera;

/** A simulated camera (generated picture with the UTC time drawn in) feeding the real camera SDK. */
final class DemoCamera implements AutoCloseable {
  private final Camera camera;
  private final SimulatedCamera source;

  DemoCamera(String cameraId, String secret, String mqttHost, int mqttPort, int segmentSeconds, int fps) {
    camera = Camera.builder().cameraId(cameraId).secret(secret).mqtt(mqttHost, mqttPort)
        .segmentSeconds(segmentSeconds).build();
    source = new SimulatedCamera(/* width= */ 640, /* height= */ 360, fps, fps * segmentSeconds, cameraId,
        camera::putFrame);
  }

  DemoCamera start() {
    camera.start();
    source.start();
    return this;
  }

  Camera camera() {
    return camera;
  }

  @Override
  public void close() throws InterruptedException {
    source.close();
    camera.close();
  }
}
