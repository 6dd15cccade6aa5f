package io.ipchls.bench.gateway;

import io.ipchls.gateway.Gateway;
import io.ipchls.gateway.config.CameraConfig;
import io.ipchls.gateway.config.GatewayConfig;
import io.ipchls.gateway.record.RecorderStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 17 item 6: how many 2 Mbit/s RTSP streams one core of the gateway records, and its heap per camera, beside
 * ffmpeg doing {@code -c copy} 3 s segmenting of the same streams in the same run.
 *
 * <p>Three other processes: the local system (S3, broker, ingest, PostgreSQL: {@link BenchCloud}), GStreamer's RTSP
 * server serving one pre-encoded 2 Mbit/s H.264 clip paced in real time at N shared mounts (no encoding, so its CPU
 * stays low), and N ffmpeg processes. This JVM runs the gateway alone, so its process CPU time is the gateway's (the
 * harness only sleeps while measuring). ffmpeg's CPU is utime + stime from {@code /proc/<pid>/stat}, over the same
 * window. Heap per camera: used heap after a full GC with the N cameras recording, minus the same before the gateway
 * started, over N.
 *
 * <p>{@code bench/run gateway.GatewayStreams [--streams 20,50] [--seconds 60] [--warmup 20]}
 */
public final class GatewayStreams {
  private static final double TICKS_PER_SECOND = 100; // USER_HZ

  private GatewayStreams() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i], args[i + 1]);
    List<Integer> counts = new ArrayList<>();
    for (String s : a.getOrDefault("--streams", "20,50").split(",")) counts.add(Integer.parseInt(s.trim()));
    int seconds = Integer.parseInt(a.getOrDefault("--seconds", "60"));
    int warmup = Integer.parseInt(a.getOrDefault("--warmup", "20"));
    int max = counts.stream().mapToInt(Integer::intValue).max().orElseThrow();
    Path work = Files.createDirectories(Path.of("bench/target/gateway-bench"));
    Path clip = clip(work, (warmup + seconds) * counts.size() + 120);

    System.out.println("load average before: " + loadAverage());
    Process cloud = new ProcessBuilder(javaCommand(work, max)).redirectError(work.resolve("cloud.log").toFile())
        .start();
    BufferedReader cloudOut = new BufferedReader(new InputStreamReader(cloud.getInputStream(), StandardCharsets.UTF_8));
    String mqttHost = null;
    int mqttPort = 0;
    String caFile = null;
    Map<String, String> cameras = new LinkedHashMap<>();
    for (String line; (line = cloudOut.readLine()) != null && !line.equals("READY"); ) {
      String[] f = line.split(" ");
      if (f[0].equals("MQTT")) {
        mqttHost = f[1];
        mqttPort = Integer.parseInt(f[2]);
        caFile = f[3].equals("null") ? null : f[3];
      } else if (f[0].equals("CAMERA")) {
        cameras.put(f[1], f[2]);
      }
    }
    if (cameras.size() != max) throw new IllegalStateException("the cloud did not start: see " + work + "/cloud.log");
    try {
      for (int n : counts) run(n, seconds, warmup, clip, work, new GatewayConfig.Mqtt(mqttHost, mqttPort, caFile != null, caFile), cameras);
    } finally {
      cloud.getOutputStream().close();
      if (!cloud.waitFor(60, TimeUnit.SECONDS)) cloud.destroyForcibly();
    }
    System.out.println("load average after: " + loadAverage());
    System.exit(0);
  }

  private static void run(int n, int seconds, int warmup, Path clip, Path work, GatewayConfig.Mqtt mqtt,
      Map<String, String> cameras) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long heapBefore = usedHeapAfterGc(memory);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path script = work.resolve("bench-rtsp-server.py");
    try (InputStream in = GatewayStreams.class.getResourceAsStream("/gateway/bench-rtsp-server.py")) {
      Files.write(script, in.readAllBytes());
    }
    Process server = new ProcessBuilder("/usr/bin/python3", script.toString(), "--file", clip.toString(), "--mounts",
        Integer.toString(n), "--port", Integer.toString(port)).redirectError(work.resolve("rtsp.log").toFile()).start();
    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
    List<CameraConfig> configs = new ArrayList<>();
    List<String> ids = new ArrayList<>(cameras.keySet()).subList(0, n);
    for (int i = 0; i < n; i++) {
      configs.add(new CameraConfig(ids.get(i), cameras.get(ids.get(i)), "rtsp://127.0.0.1:" + port + "/s" + i, null,
          null, null, /* segmentSeconds= */ 3, null, false));
    }
    List<Process> ffmpegs = new ArrayList<>();
    Gateway gateway = new Gateway();
    try {
      gateway.apply(new GatewayConfig(mqtt, null, null, null, null, null,
          null, configs));
      Path out = Files.createDirectories(work.resolve("ffmpeg-" + n));
      for (int i = 0; i < n; i++) {
        ffmpegs.add(new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i",
            "rtsp://127.0.0.1:" + port + "/s" + i, "-c", "copy", "-f", "segment", "-segment_time", "3", "-y",
            out.resolve("s" + i + "-%05d.ts").toString()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
      }
      Thread.sleep(warmup * 1000L);
      long streaming = gateway.status().stream().filter(s -> s.state().equals("STREAMING")).count();
      long segmentsBefore = gateway.status().stream().mapToLong(RecorderStatus::segmentsUploaded).sum();
      double gwCpu0 = processCpuSeconds();
      double ffCpu0 = 0;
      for (Process p : ffmpegs) ffCpu0 += procCpuSeconds(p.pid());
      double serverCpu0 = procCpuSeconds(server.pid());
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      double wall = (System.nanoTime() - t0) / 1e9;
      double gwCpu = processCpuSeconds() - gwCpu0;
      double ffCpu = -ffCpu0;
      for (Process p : ffmpegs) ffCpu += procCpuSeconds(p.pid());
      double serverCpu = procCpuSeconds(server.pid()) - serverCpu0;
      long segments = gateway.status().stream().mapToLong(RecorderStatus::segmentsUploaded).sum() - segmentsBefore;
      long kbps = gateway.status().stream().mapToLong(RecorderStatus::bitrateKbps).sum();
      long alive = ffmpegs.stream().filter(Process::isAlive).count();
      long heapPerCamera = (usedHeapAfterGc(memory) - heapBefore) / n;
      double gwCores = gwCpu / wall;
      double ffCores = ffCpu / wall;
      System.out.printf("N=%d streams (%d STREAMING in the gateway, %d ffmpeg alive), %.0f s measured, %d kbit/s in"
          + " total, %d segments uploaded (%.1f per stream per 3 s)%n", n, streaming, alive, wall, kbps, segments,
          segments / (double) n / (wall / 3));
      System.out.printf("  gateway: %.3f cores = %.2f ms CPU per stream-second -> %.0f streams per core;"
          + " heap %.2f MB per camera%n", gwCores, gwCores / n * 1000, n / gwCores, heapPerCamera / 1e6);
      System.out.printf("  ffmpeg -c copy -f segment (N processes): %.3f cores = %.2f ms per stream-second -> %.0f"
          + " streams per core; gateway / ffmpeg CPU %.2f%n", ffCores, ffCores / n * 1000, n / ffCores,
          gwCores / ffCores);
      System.out.printf("  RTSP server (not counted): %.3f cores; load average %s%n", serverCpu / wall,
          loadAverage());
    } finally {
      gateway.close();
      for (Process p : ffmpegs) p.destroy();
      for (Process p : ffmpegs) p.waitFor(10, TimeUnit.SECONDS);
      server.getOutputStream().close();
      if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
    }
  }

  /** A 2 Mbit/s 1280x720 25 fps H.264 clip (GOP 3 s, no B-frames), looped to at least {@code seconds}, in MKV. */
  private static Path clip(Path work, int seconds) throws Exception {
    Path base = work.resolve("clip-30s.mkv");
    if (!Files.exists(base)) {
      exec("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-t", "30", "-c:v",
          "libx264", "-preset", "veryfast", "-b:v", "2M", "-maxrate", "2M", "-bufsize", "2M", "-g", "75", "-bf", "0",
          base.toString());
    }
    int loops = (seconds + 29) / 30;
    Path clip = work.resolve("clip-" + loops * 30 + "s.mkv");
    if (!Files.exists(clip)) {
      exec("ffmpeg", "-v", "error", "-y", "-stream_loop", Integer.toString(loops - 1), "-i", base.toString(), "-c",
          "copy", clip.toString());
    }
    return clip;
  }

  private static void exec(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) throw new IllegalStateException("failed: " + String.join(" ", cmd));
  }

  private static List<String> javaCommand(Path work, int cameras) {
    List<String> cmd = new ArrayList<>(List.of(java()));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchCloud.class.getName(),
        work.resolve("cloud-" + ProcessHandle.current().pid()).toString(), Integer.toString(cameras)));
    return cmd;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static double processCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  /** utime + stime of a process (proc(5): fields 14 and 15), 0 once it is gone. */
  private static double procCpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
