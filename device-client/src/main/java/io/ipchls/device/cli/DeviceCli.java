package io.ipchls.device.cli;

import io.ipchls.device.Camera;
import io.ipchls.device.CameraBuilder;
import io.ipchls.device.codec.AudioInput;
import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.flac.G711;
import io.ipchls.device.segment.Frame;
import io.ipchls.device.sim.AnnexBFileSource;
import io.ipchls.device.sim.G711Tone;
import io.ipchls.device.sim.SimulatedCamera;
import io.ipchls.protocol.BrokerDefaults;
import io.ipchls.protocol.SegmentDuration;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * Command line of the device client: {@code simulate} runs a simulated camera (moving test picture with the UTC time
 * burned in, H.264), {@code stream} plays a raw H.264 or H.265 file (B-frames allowed), optionally with an AAC file,
 * as a camera; with {@code --loop} it is the simulator for H.265. Both take {@code --container ts|fmp4} and G.711
 * audio made in Java ({@code --audio g711-alaw|g711-ulaw}: a tone, carried as FLAC in fMP4). Both show a one-line live status and, on
 * Ctrl-C or at the end, cut and upload the last segment before going offline.
 */
@Command(name = "ipchls-device", mixinStandardHelpOptions = true,
    subcommands = {DeviceCli.Simulate.class, DeviceCli.Stream.class}, description = "ipc-hls camera client")
public final class DeviceCli {
  /** MQTT over TLS: IANA's registered port ("secure-mqtt"). */
  static final int MQTT_TLS_PORT = 8883;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DeviceCli()).execute(args));
  }

  /** What every camera needs: identity, broker, segmenting and buffering. */
  static final class CameraOptions {
    @Option(names = "--camera-id", required = true, description = "camera id ([a-z0-9][a-z0-9_-]{0,62})")
    String cameraId;

    @Option(names = "--secret", required = true, defaultValue = "${env:IPCHLS_CAMERA_SECRET}",
        description = "camera secret (default: $IPCHLS_CAMERA_SECRET)")
    String secret;

    @Option(names = "--mqtt-host", defaultValue = "127.0.0.1") String host;
    @Option(names = "--mqtt-port", description = "default: " + BrokerDefaults.PORT + ", or " + MQTT_TLS_PORT
        + " over TLS") Integer port;
    @Option(names = "--mqtt-tls", description = "connect over TLS (certificate and host name verified)") boolean tls;
    @Option(names = "--ca-file", description = "PEM CA certificate(s) to verify the broker and the object store "
        + "against instead of the JVM's trust store, e.g. <demo data>/tls/ca.pem; implies --mqtt-tls")
    Path caFile;
    @Option(names = "--segment-seconds", defaultValue = "" + SegmentDuration.DEFAULT_SECONDS,
        description = "target segment duration, " + SegmentDuration.MIN_SECONDS + ".." + SegmentDuration.MAX_SECONDS)
    int segmentSeconds;
    @Option(names = "--buffer-mb", defaultValue = "4", description = "memory for segments waiting for upload")
    int bufferMb;
    @Option(names = "--spool-dir", description = "keep segments on disk through outages and restarts")
    Path spoolDir;
    @Option(names = "--spool-mb", defaultValue = "1024", description = "byte limit of the spool") long spoolMb;
    @Option(names = "--duration", defaultValue = "0", description = "seconds to run; 0 = until Ctrl-C or the end")
    long durationSeconds;
    @Option(names = "--status-interval", defaultValue = "1", description = "seconds between status lines; 0 = none")
    int statusSeconds;
    @Option(names = "--container", defaultValue = "ts", description = "segment format: ts or fmp4 (default ts)")
    String container;

    Camera build() {
      return builder().build();
    }

    CameraBuilder builder() {
      boolean overTls = tls || caFile != null;
      int mqttPort = port != null ? port : overTls ? MQTT_TLS_PORT : BrokerDefaults.PORT;
      CameraBuilder b = Camera.builder().cameraId(cameraId).secret(secret).mqtt(host, mqttPort).mqttTls(overTls)
          .segmentSeconds(segmentSeconds).queueBytes(bufferMb * 1024L * 1024)
          .container(Container.fromWireName(container));
      if (caFile != null) b.trustedCa(caFile);
      if (spoolDir != null) b.spool(spoolDir, spoolMb * 1024 * 1024);
      return b;
    }
  }

  /** Runs one simulated camera. */
  @Command(name = "simulate", mixinStandardHelpOptions = true,
      description = "Encode a moving test picture with the current UTC time and record it like a camera.")
  static final class Simulate implements Callable<Integer> {
    @Mixin CameraOptions camera;
    @Option(names = "--width", defaultValue = "640") int width;
    @Option(names = "--height", defaultValue = "360") int height;
    @Option(names = "--fps", defaultValue = "15") int fps;
    @Option(names = "--audio", description = "g711-alaw or g711-ulaw: a tone made in Java (needs --container fmp4)")
    String audio;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      G711Tone tone = audio == null ? null : tone(spec, audio);
      Camera cam = build(spec, () -> {
        CameraBuilder b = camera.builder();
        return tone == null ? b : b.audio(g711Input(audio));
      });
      SimulatedCamera sim = new SimulatedCamera(width, height, fps, fps * camera.segmentSeconds, camera.cameraId,
          frame -> {
            cam.putFrame(frame);
            if (tone != null) tone.feedUntil(frame.pts90k() * 100 / 9, (g711, pts) -> cam.putAudio(g711, pts));
          }).thumbnails(cam::putThumbnail);
      return run(camera, cam, sim::close, done -> sim.start());
    }
  }

  /** Plays an H.264 or H.265 file (and an AAC file) as a camera. */
  @Command(name = "stream", mixinStandardHelpOptions = true,
      description = "Stream a raw H.264 or H.265 Annex-B file (.h264, .h265; B-frames allowed), optionally with an "
          + "AAC file in ADTS form, in real time like a camera.")
  static final class Stream implements Callable<Integer> {
    @Mixin CameraOptions camera;
    @Parameters(index = "0", description = "the .h264 or .h265/.hevc file") Path file;
    @Option(names = "--codec", description = "h264 or h265 (default: from the file name, .h265/.hevc/.265 = h265)")
    String codec;
    @Option(names = "--audio", description = "an AAC file in ADTS form (.aac), streamed alongside; or g711-alaw, "
        + "g711-ulaw: a tone made in Java (needs --container fmp4)") String audio;
    @Option(names = "--fps", defaultValue = "25", description = "frame rate of the file") int fps;
    @Option(names = "--loop", description = "start over at the end") boolean loop;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      G711Tone tone = audio != null && audio.startsWith("g711") ? tone(spec, audio) : null;
      Path aacFile = audio != null && tone == null ? Path.of(audio) : null;
      for (Path p : aacFile == null ? java.util.List.of(file) : java.util.List.of(file, aacFile)) {
        if (!java.nio.file.Files.isReadable(p)) {
          throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + p);
        }
      }
      VideoCodec video = videoCodec();
      AudioInput audioInput = tone != null ? g711Input(audio) : aacFile != null ? AudioInput.aacAdts() : null;
      Camera cam = build(spec, () -> {
        CameraBuilder b = camera.builder().video(video);
        return audioInput == null ? b : b.audio(audioInput);
      });
      AnnexBFileSource source = new AnnexBFileSource(file, video, fps, loop, frame -> {
        put(cam, frame);
        if (tone != null) tone.feedUntil(frame.pts90k() * 100 / 9, (g711, pts) -> putAudio(cam, g711, pts));
      }, aacFile, (adts, ptsMicros) -> putAudio(cam, adts, ptsMicros));
      try {
        return run(camera, cam, source::close, done -> source.start(done::countDown));
      } catch (IllegalArgumentException e) { // a file that is not what it should be: said before anything streams
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }

    private VideoCodec videoCodec() {
      String name = codec != null ? codec : file.getFileName().toString().matches("(?i).*\\.(h265|hevc|265)$")
          ? "h265" : "h264";
      return switch (name.toLowerCase(java.util.Locale.ROOT)) {
        case "h264", "avc" -> VideoCodec.H264;
        case "h265", "hevc" -> VideoCodec.H265;
        default -> throw new CommandLine.ParameterException(spec.commandLine(),
            "unknown codec " + name + ": h264 or h265");
      };
    }

    /** A malformed access unit in a file is reported and skipped; the stream goes on. */
    private static void put(Camera cam, Frame frame) {
      try {
        cam.putFrame(frame);
      } catch (IllegalArgumentException e) {
        System.err.println("\nskipped a frame: " + e.getMessage());
      }
    }

    private static void putAudio(Camera cam, byte[] adts, long ptsMicros) {
      try {
        cam.putAudio(adts, ptsMicros);
      } catch (IllegalArgumentException e) {
        System.err.println("\nskipped audio: " + e.getMessage());
      }
    }
  }

  /** The tone for {@code --audio g711-alaw|g711-ulaw}. */
  static G711Tone tone(CommandLine.Model.CommandSpec spec, String audio) {
    return new G711Tone(g711Input(spec, audio).codec() == io.ipchls.device.codec.AudioCodec.G711_ALAW
        ? G711.Law.A_LAW : G711.Law.MU_LAW);
  }

  static AudioInput g711Input(String audio) {
    return audio.equals("g711-ulaw") ? AudioInput.g711Ulaw() : AudioInput.g711Alaw();
  }

  private static AudioInput g711Input(CommandLine.Model.CommandSpec spec, String audio) {
    if (!audio.equals("g711-alaw") && !audio.equals("g711-ulaw")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "unknown audio " + audio
          + ": g711-alaw or g711-ulaw" + (spec.name().equals("stream") ? ", or an AAC file" : ""));
    }
    return g711Input(audio);
  }

  /** Builds the camera; a container name or audio the container cannot carry is a bad option, said at once. */
  static Camera build(CommandLine.Model.CommandSpec spec, java.util.function.Supplier<CameraBuilder> builder) {
    try {
      return builder.get().build();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** A source's stop action. */
  @FunctionalInterface
  interface Stopper {
    void stop() throws InterruptedException;
  }

  /**
   * Starts camera and source, prints the status line until the source ends, the duration passes or Ctrl-C, then
   * stops the source and closes the camera (which cuts and uploads the last segment).
   */
  static int run(CameraOptions o, Camera camera, Stopper source, Consumer<CountDownLatch> startSource)
      throws InterruptedException {
    CountDownLatch ended = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    // Ctrl-C: the JVM halts once hooks return, so the hook itself stops the camera cleanly (last segment, offline).
    Thread hook = new Thread(() -> stop(source, camera, stopped), "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    camera.start();
    try {
      startSource.accept(ended);
    } catch (RuntimeException e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      stop(source, camera, stopped);
      throw e;
    }
    PrintStream out = System.err;
    long deadline = o.durationSeconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(o.durationSeconds) : 0;
    long interval = TimeUnit.SECONDS.toMillis(Math.max(1, o.statusSeconds));
    while (stopped.getCount() > 0 && !ended.await(interval, TimeUnit.MILLISECONDS)
        && (deadline == 0 || System.nanoTime() < deadline)) {
      if (o.statusSeconds > 0) out.print("\r" + camera.metrics().statusLine() + "\u001B[K");
    }
    if (stopped.getCount() > 0) {
      Runtime.getRuntime().removeShutdownHook(hook);
      stop(source, camera, stopped);
    }
    stopped.await();
    out.println("\r" + camera.metrics().statusLine() + "\u001B[K");
    return camera.metrics().segmentsDropped() == 0 ? 0 : 3;
  }

  private static synchronized void stop(Stopper source, Camera camera, CountDownLatch stopped) {
    if (stopped.getCount() == 0) return;
    try {
      source.stop();
      camera.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
    }
  }
}
