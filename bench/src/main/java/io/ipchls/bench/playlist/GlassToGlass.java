package io.ipchls.bench.playlist;

import io.ipchls.device.Camera;
import io.ipchls.device.sim.SimulatedCamera;
import io.ipchls.infra.HeadlessChromium;
import io.ipchls.infra.ScratchDir;
import io.ipchls.launcher.LocalSystem;
import io.ipchls.launcher.StackConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Glass-to-glass latency of live playback in headless Chromium: the local system (TLS, as the demo runs it) and a
 * simulated camera (its picture shows the UTC time it was made) per segment length; the web player's live view
 * plays it, and every 250 ms the browser's {@code Date.now()} minus the wall-clock time of the frame on screen
 * ({@code hls.playingDate}: the segment's EXT-X-PROGRAM-DATE-TIME plus the playhead's offset into it) is one sample.
 * Camera, servers and browser share this machine's clock. Each segment length is played twice: by hls.js with its
 * default settings (a plain {@code new Hls()} in the same page, same video element) and by the web player itself
 * (its tuned live settings). A screenshot per run (bench/target/glass-to-glass-*.png) shows the drawn clock next to
 * the browser time it was taken at, to check the program date-time against the picture.
 *
 * <p>{@code bench/run playlist.GlassToGlass [--segments 1,2,3] [--seconds 30]}
 */
@Command(name = "GlassToGlass", mixinStandardHelpOptions = true)
public final class GlassToGlass implements Runnable {
  private static final int FPS = 10;

  @Option(names = "--segments", split = ",", defaultValue = "1,2,3", description = "segment lengths, seconds")
  int[] segments;
  @Option(names = "--seconds", defaultValue = "30", description = "sampling time per run")
  int seconds;
  @Option(names = "--warmup", defaultValue = "10", description = "playing time before sampling starts, seconds")
  int warmup;

  public static void main(String[] args) {
    System.exit(new CommandLine(new GlassToGlass()).execute(args));
  }

  @Override
  public void run() {
    try {
      measure();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The local system keeps its data in a temporary directory, deleted once it has stopped. */
  private void measure() throws Exception {
    try (ScratchDir data = ScratchDir.create("ipchls-g2g-")) {
      measure(data.path());
    }
  }

  private void measure(Path data) throws Exception {
    JsonObject json = StackConfig.defaults().put("dataDir", data.toString());
    json.put("http", new JsonObject().put("playlistPort", 0).put("credentialPort", 0).put("ingestPort", 0));
    json.getJsonObject("postgres").put("port", 0);
    json.getJsonObject("mqtt").put("port", 0);
    json.getJsonObject("s3").put("port", 0);
    json.getJsonObject("cluster").put("name", "ipc-hls-g2g-" + ProcessHandle.current().pid()).put("port", 5991);
    System.out.printf("machine: %d cores, load average %s%n", Runtime.getRuntime().availableProcessors(),
        loadAverage());
    List<String> rows = new ArrayList<>();
    try (LocalSystem sys = LocalSystem.start(StackConfig.from(json))) {
      ChromeDriver browser = browser();
      try {
        for (int segmentSeconds : segments) {
          String cam = "g2g-" + segmentSeconds + "s";
          String secret = register(sys, cam);
          String token = viewerToken(sys, cam);
          Camera camera = Camera.builder().cameraId(cam).secret(secret).mqtt(sys.mqttHost(), sys.mqttPort())
              .segmentSeconds(segmentSeconds).mqttTls(true).trustedCa(sys.caFile()).build();
          try (SimulatedCamera sim = new SimulatedCamera(640, 360, FPS, FPS * segmentSeconds, cam, camera::putFrame)) {
            camera.start();
            sim.start();
            Thread.sleep(4_000L * segmentSeconds + 4_000); // a few segments in the live window
            String base = sys.playlistUrl().toString();
            for (boolean tuned : new boolean[] {false, true}) {
              Run run = play(browser, base, cam, token, tuned, segmentSeconds);
              String row = String.format(Locale.ROOT, "%d s segments, %-15s median %5.2f s, p95 %5.2f s, min %5.2f s,"
                  + " max %5.2f s, %d samples, %d stalls, %s", segmentSeconds,
                  tuned ? "tuned player" : "hls.js defaults",
                  run.percentile(0.5), run.percentile(0.95), run.percentile(0), run.percentile(1), run.samples.length,
                  run.stalls, run.screenshot);
              System.out.println(row);
              rows.add(row);
            }
          } finally {
            camera.close();
          }
        }
      } finally {
        browser.quit();
      }
    }
    System.out.printf("machine after: load average %s%n", loadAverage());
    System.out.println();
    rows.forEach(System.out::println);
  }

  /** One run's latency samples (seconds), stalls (the video's {@code waiting} events while sampling). */
  private record Run(double[] samples, long stalls, String screenshot) {
    double percentile(double q) {
      double[] sorted = samples.clone();
      Arrays.sort(sorted);
      return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }
  }

  private Run play(ChromeDriver browser, String base, String cam, String token, boolean tuned, int segmentSeconds)
      throws Exception {
    String live = base + "/playlist.m3u8?camera_id=" + enc(cam) + "&token=" + enc(token);
    if (tuned) {
      browser.get(base + "/?camera=" + enc(cam) + "&token=" + enc(token)); // the player's own live view
      js(browser, "window.g2g = {hls: () => window.ipchls.hls, stalls: 0};");
    } else {
      browser.get(base + "/?token=" + enc(token)); // the player's page, no camera chosen: nothing plays
      js(browser, """
          const hls = new Hls();
          hls.loadSource(arguments[0]);
          hls.attachMedia(window.ipchls.video);
          window.ipchls.video.play().catch(() => {});
          window.g2g = {hls: () => hls, stalls: 0};
          """, live);
    }
    js(browser, "window.ipchls.video.addEventListener('waiting', () => window.g2g.stalls++);");
    long deadline = System.currentTimeMillis() + 90_000;
    while (latency(browser) == null) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("live playback did not start: " + cam + ": " + js(browser, """
            const v = window.ipchls.video, h = window.g2g.hls();
            return JSON.stringify({hls: !!h, paused: v.paused, t: v.currentTime, date: h && String(h.playingDate),
              status: document.getElementById('status').textContent, mode: window.ipchls.mode,
              requests: performance.getEntriesByType('resource').map((e) => e.name).slice(-8)});"""));
      }
      Thread.sleep(250);
    }
    Thread.sleep(warmup * 1000L);
    js(browser, "window.g2g.stalls = 0;");
    List<Double> samples = new ArrayList<>();
    long end = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < end) {
      Double l = latency(browser);
      if (l != null) samples.add(l);
      Thread.sleep(250);
    }
    long stalls = ((Number) js(browser, "return window.g2g.stalls;")).longValue();
    String state = (String) js(browser, """
        const h = window.g2g.hls(), d = h.latestLevelDetails;
        return 'hls.js target latency ' + (h.targetLatency || 0).toFixed(2) + ' s, its latency ' + h.latency.toFixed(2)
          + ' s, playback rate ' + window.ipchls.video.playbackRate + ', segments ' + d.fragments.slice(-3)
            .map((f) => f.duration.toFixed(2)).join('/') + ' s, target duration ' + d.targetduration + ' s';""");
    // the drawn clock against the browser's: the picture's time should be the playing date, the browser's time
    // (taken just before and after the capture) that plus the latency
    Object[] at = ((List<?>) js(browser, "const d = window.g2g.hls().playingDate;"
        + " return [Date.now(), d ? d.toISOString() : null];")).toArray();
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    long after = System.currentTimeMillis();
    Path target = Path.of("bench/target/glass-to-glass-" + segmentSeconds + "s-" + (tuned ? "tuned" : "default")
        + ".png");
    Files.createDirectories(target.getParent());
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    String screenshot = target + " (playingDate " + at[1] + ", browser " + java.time.Instant.ofEpochMilli(
        ((Number) at[0]).longValue()) + " .. " + java.time.Instant.ofEpochMilli(after) + ")";
    return new Run(samples.stream().mapToDouble(Double::doubleValue).toArray(), stalls, state + "; " + screenshot);
  }

  /** Seconds between the browser's clock and the wall-clock time of the frame on screen; null before playback. */
  private static Double latency(ChromeDriver browser) {
    Object l = js(browser, """
        const hls = window.g2g && window.g2g.hls();
        const d = hls && hls.playingDate;
        const v = window.ipchls.video;
        return d && !v.paused && v.currentTime > 0 ? (Date.now() - d.getTime()) / 1000 : null;
        """);
    return l == null ? null : ((Number) l).doubleValue();
  }

  private static ChromeDriver browser() {
    return HeadlessChromium.start(Path.of(tool("chromium")), Path.of(tool("chromedriver")));
  }

  private static String tool(String name) {
    for (String dir : System.getenv("PATH").split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) return p.toString();
    }
    throw new IllegalStateException(name + " is not installed (Debian: chromium, chromium-driver)");
  }

  private static Object js(ChromeDriver browser, String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private static String register(LocalSystem sys, String id) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(sys.credentialUrl() + "/api/v1/cameras"))
        .header("Authorization", "Bearer " + sys.adminToken()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("id", id).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) throw new IllegalStateException("register " + id + ": " + r.body());
    return new JsonObject(r.body()).getString("secret");
  }

  private static String viewerToken(LocalSystem sys, String cam) {
    return sys.viewerToken(3600, cam);
  }

  private static String loadAverage() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
