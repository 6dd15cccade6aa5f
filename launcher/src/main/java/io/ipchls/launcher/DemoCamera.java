package io.ipchls.launcher;

import io.ipchls.device.Camera;
import io.ipchls.device.CameraBuilder;
import io.ipchls.device.codec.AudioInput;
import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.flac.G711;
import io.ipchls.device.sim.AnnexBFileSource;
import io.ipchls.device.sim.G711Tone;
import io.ipchls.device.sim.SimulatedCamera;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A demo camera feeding the real camera SDK: the simulated picture (H.264, the UTC time drawn in), optionally with a
 * G.711 tone made in Java (carried as FLAC in fMP4), or the bundled H.265 sample looped (fMP4, the form Safari plays
 * HEVC in). See {@code demo/make-h265-sample.sh} for how the sample was made.
 */
final class DemoCamera implements AutoCloseable {
  /** The H.265 sample's resource and frame rate (see demo/make-h265-sample.sh). */
  static final String H265_SAMPLE = "/demo/demo-h265.h265";
  static final int H265_SAMPLE_FPS = 15;

  private final Camera camera;
  private final Source source;

  /** What feeds the camera. */
  private interface Source extends AutoCloseable {
    void start();

    @Override
    void close() throws InterruptedException;
  }

  private DemoCamera(Camera camera, Source source) {
    this.camera = camera;
    this.source = source;
  }

  /**
   * The simulated H.264 picture in MPEG-TS segments. {@code caFile}: connect over TLS and trust this CA (broker and
   * store); null: plain MQTT.
   */
  DemoCamera(String cameraId, String secret, String mqttHost, int mqttPort, Path caFile, int segmentSeconds, int fps) {
    this(builder(cameraId, secret, mqttHost, mqttPort, caFile, segmentSeconds).build(), segmentSeconds, fps, cameraId,
        null);
  }

  private static CameraBuilder builder(String cameraId, String secret, String mqttHost, int mqttPort, Path caFile,
      int segmentSeconds) {
    CameraBuilder b = Camera.builder().cameraId(cameraId).secret(secret).mqtt(mqttHost, mqttPort)
        .segmentSeconds(segmentSeconds);
    if (caFile != null) b.mqttTls(true).trustedCa(caFile);
    return b;
  }

  private DemoCamera(Camera camera, int segmentSeconds, int fps, String label, G711Tone tone) {
    this.camera = camera;
    SimulatedCamera sim = new SimulatedCamera(/* width= */ 640, /* height= */ 360, fps, fps * segmentSeconds, label,
        frame -> {
          camera.putFrame(frame);
          if (tone != null) tone.feedUntil(frame.pts90k() * 100 / 9, camera::putAudio);
        }).thumbnails(camera::putThumbnail);
    this.source = new Source() {
      @Override
      public void start() {
        sim.start();
      }

      @Override
      public void close() throws InterruptedException {
        sim.close();
      }
    };
  }

  /** The simulated H.264 picture with a G.711 A-law tone, in fMP4 segments (the audio as FLAC). */
  static DemoCamera withG711Audio(String cameraId, String secret, String mqttHost, int mqttPort, Path caFile,
      int segmentSeconds, int fps) {
    Camera camera = builder(cameraId, secret, mqttHost, mqttPort, caFile, segmentSeconds)
        .container(Container.FMP4).audio(AudioInput.g711Alaw()).build();
    return new DemoCamera(camera, segmentSeconds, fps, cameraId, new G711Tone(G711.Law.A_LAW));
  }

  /** The bundled H.265 sample, looped, in fMP4 segments. */
  static DemoCamera h265(String cameraId, String secret, String mqttHost, int mqttPort, Path caFile,
      int segmentSeconds) throws IOException {
    Path sample = Files.createTempFile("ipchls-demo-", ".h265");
    sample.toFile().deleteOnExit();
    try (InputStream in = DemoCamera.class.getResourceAsStream(H265_SAMPLE)) {
      if (in == null) throw new IOException("the H.265 demo sample " + H265_SAMPLE + " is missing from the build");
      Files.copy(in, sample, StandardCopyOption.REPLACE_EXISTING);
    }
    Camera camera = builder(cameraId, secret, mqttHost, mqttPort, caFile, segmentSeconds)
        .video(VideoCodec.H265).container(Container.FMP4).build();
    AnnexBFileSource file = new AnnexBFileSource(sample, VideoCodec.H265, H265_SAMPLE_FPS, /* loop= */ true,
        camera::putFrame);
    return new DemoCamera(camera, new Source() {
      @Override
      public void start() {
        file.start(() -> { });
      }

      @Override
      public void close() throws InterruptedException {
        file.close();
        try {
          Files.deleteIfExists(sample); // our copy of the sample, not wanted once the camera stops
        } catch (IOException e) {
          // deleteOnExit tries again
        }
      }
    });
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
