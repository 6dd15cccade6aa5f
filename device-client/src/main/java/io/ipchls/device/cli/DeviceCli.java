package io.ipchls.device.cli;

import io.ipchls.device.agent.Camera;
import io.ipchls.device.sim.SimulatedCamera;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line of the device client: {@code simulate} runs a simulated camera against a broker. */
@Command(name = "ipchls-device", mixinStandardHelpOptions = true, subcommands = DeviceCli.Simulate.class,
    description = "ipc-hls camera client")
public final class DeviceCli {
  public static void main(String[] args) {
    System.exit(new CommandLine(new DeviceCli()).execute(args));
  }

  /** Runs one simulated camera until interrupted or for {@code --duration} seconds. */
  @Command(name = "simulate", mixinStandardHelpOptions = true,
      description = "Encode a moving test picture with the current time and record it like a camera.")
  static final class Simulate implements Callable<Integer> {
    @Option(names = "--camera-id", required = true, description = "camera id ([a-z0-9][a-z0-9_-]{0,62})")
    String cameraId;

    @Option(names = "--secret", required = true, defaultValue = "${env:IPCHLS_CAMERA_SECRET}",
        description = "camera secret (default: $IPCHLS_CAMERA_SECRET)")
    String secret;

    @Option(names = "--mqtt-host", defaultValue = "127.0.0.1") String host;
    @Option(names = "--mqtt-port", defaultValue = "1883") int port;
    @Option(names = "--mqtt-tls", description = "connect over TLS") boolean tls;
    @Option(names = "--segment-seconds", defaultValue = "3") int segmentSeconds;
    @Option(names = "--width", defaultValue = "640") int width;
    @Option(names = "--height", defaultValue = "360") int height;
    @Option(names = "--fps", defaultValue = "15") int fps;
    @Option(names = "--duration", defaultValue = "0", description = "seconds to run; 0 = until Ctrl-C")
    long durationSeconds;

    @Override
    public Integer call() throws Exception {
      Camera camera = Camera.builder().cameraId(cameraId).secret(secret).mqtt(host, port).mqttTls(tls)
          .segmentSeconds(segmentSeconds).build();
      SimulatedCamera sim =
          new SimulatedCamera(width, height, fps, fps * segmentSeconds, cameraId, camera::putFrame);
      CountDownLatch stopped = new CountDownLatch(1);
      // Ctrl-C: the JVM halts once hooks return, so the hook itself stops the camera cleanly (offline status).
      Thread hook = new Thread(() -> stop(sim, camera, stopped), "shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      camera.start();
      sim.start();
      if (durationSeconds > 0 && !stopped.await(durationSeconds, TimeUnit.SECONDS)) {
        Runtime.getRuntime().removeShutdownHook(hook);
        stop(sim, camera, stopped);
      }
      stopped.await();
      System.out.println(camera.metrics());
      return 0;
    }

    private static synchronized void stop(SimulatedCamera sim, Camera camera, CountDownLatch stopped) {
      if (stopped.getCount() == 0) return;
      try {
        sim.close();
        camera.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        stopped.countDown();
      }
    }
  }
}
