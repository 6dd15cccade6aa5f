package io.ipchls.launcher;

import io.ipchls.kit.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ipc-hls demo}: the whole system on embedded servers, with one simulated camera, and on request an H.265
 * camera and a camera with G.711 audio (both writing fMP4).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start the stack, the three services and a simulated camera; print the playback URLs.")
final class DemoCommand implements Callable<Integer> {
  private static final DateTimeFormatter SEED_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /** Lifetime of the viewer token printed with the demo's URLs. */
  static final int DEMO_TOKEN_SECONDS = 24 * 3600;

  @Option(names = "--config", description = "JSON config file (see docs/CONFIGURATION.md)")
  Path config;

  @Option(names = "--data-dir", description = "where recordings and the database live (default: ./data)")
  Path dataDir;

  @Option(names = "--camera-id", defaultValue = "demo-cam", description = "id of the simulated camera")
  String cameraId;

  @Option(names = "--fps", defaultValue = "15", description = "frames per second of the simulated camera")
  int fps;

  @Option(names = "--h265-camera", description = "also run an H.265 camera (<camera-id>-h265: a bundled sample, "
      + "looped, in fMP4 segments; browsers without HEVC decoding show why they cannot play it)")
  boolean h265Camera;

  @Option(names = "--audio-camera", description = "also run a camera with audio (<camera-id>-audio: the simulated "
      + "picture with a G.711 tone, carried as FLAC in fMP4 segments)")
  boolean audioCamera;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    var json = ConfigLoader.load(StackConfig.defaults(), config, System.getenv());
    if (dataDir != null) json.put("dataDir", dataDir.toString());
    StackConfig cfg = StackConfig.from(json);
    CountDownLatch stopped = new CountDownLatch(1);
    LocalSystem sys = LocalSystem.start(cfg);
    String secret = sys.adminClient(sys.credentialUrl()).registerOrRotate(cameraId);
    List<DemoCamera> cameras = new ArrayList<>();
    cameras.add(new DemoCamera(cameraId, secret, sys.mqttHost(), sys.mqttPort(), sys.caFile(), 3, fps).start());
    if (h265Camera) {
      String id = cameraId + "-h265";
      String s = sys.adminClient(sys.credentialUrl()).registerOrRotate(id);
      cameras.add(DemoCamera.h265(id, s, sys.mqttHost(), sys.mqttPort(), sys.caFile(), 3).start());
    }
    if (audioCamera) {
      String id = cameraId + "-audio";
      String s = sys.adminClient(sys.credentialUrl()).registerOrRotate(id);
      cameras.add(DemoCamera.withG711Audio(id, s, sys.mqttHost(), sys.mqttPort(), sys.caFile(), 3, fps).start());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nipc-hls: stopping...");
      try {
        for (DemoCamera camera : cameras) camera.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sys.close();
      stopped.countDown();
    }, "ipc-hls-shutdown"));
    printUrls(sys, t0);
    stopped.await();
    return 0;
  }

  private void printUrls(LocalSystem sys, long t0) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String base = sys.playlistUrl().toString();
    String token = sys.viewerToken(DEMO_TOKEN_SECONDS, "*");
    String replay = base + "/replay.m3u8?camera_id=" + cameraId
        + "&start=" + SEED_TIME.format(now.minus(1, ChronoUnit.HOURS)).replace(" ", "%20")
        + "&end=" + SEED_TIME.format(now.plus(1, ChronoUnit.HOURS)).replace(" ", "%20") + "&token=" + token;
    System.out.printf("""

        ipc-hls is running (started in %.1f s). Data: %s
          web player     %s/?camera=%s&token=%s
          live playlist  %s/playlist.m3u8?camera_id=%s&token=%s
          replay         %s
          (the camera uploads a segment about every 3 s; replay covers the hour before and after start;
           the viewer token in these URLs opens every camera for 24 h: ./ipc-hls viewer-token mints others)
          %s
        Ctrl-C stops everything; recordings are kept for the next start.
        %n""", (System.nanoTime() - t0) / 1e9, sys.dataDir().toAbsolutePath(), base, cameraId, token, base, cameraId,
        token, replay, mqttLine(sys));
    for (String extra : List.of(h265Camera ? cameraId + "-h265" : "", audioCamera ? cameraId + "-audio" : "")) {
      if (!extra.isEmpty()) System.out.printf("  web player     %s/?camera=%s&token=%s%n", base, extra, token);
    }
  }

  /** Where cameras connect, and the CA they must trust for it. */
  private static String mqttLine(LocalSystem sys) {
    if (!sys.mqttTls()) return "MQTT           " + sys.mqttHost() + ":" + sys.mqttPort() + " (plain)";
    return "MQTT over TLS  " + sys.mqttHost() + ":" + sys.mqttPort() + ", the S3 store over HTTPS; cameras trust "
        + "the local CA " + sys.caFile().toAbsolutePath();
  }
}
