package io.ipchls.launcher;

import io.ipchls.device.Camera;
import io.ipchls.device.CameraBuilder;
import io.ipchls.device.sim.SimulatedCamera;
import java.nio.file.Path;

/** A simulated camera (generated picture with the UTC time drawn in) feeding the real camera SDK. */
final class DemoCamera implements AutoCloseable {
  private final Camera camera;
  private final SimulatedCamera source;

  /** {@code caFile}: connect over TLS and trust this CA (broker and store); null: plain MQTT. */
  DemoCamera(String cameraId, String secret, String mqttHost, int mqttPort, Path caFile, int segmentSeconds, int fps) {
    CameraBuilder b = Camera.builder().cameraId(cameraId).secret(secret).mqtt(mqttHost, mqttPort)
        .segmentSeconds(segmentSeconds);
    if (caFile != null) b.mqttTls(true).trustedCa(caFile);
    camera = b.build();
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
