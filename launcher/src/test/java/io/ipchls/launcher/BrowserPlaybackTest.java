package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.TestTools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web player in a real browser (Debian's headless Chromium through its chromedriver): the live view plays, and a
 * replay across a camera outage plays over the gap and seeks to wall-clock times on both sides of it. CI installs
 * chromium and chromium-driver (and ffmpeg, the replay's independent check); {@code TestTools} decides what a
 * missing one means (an error under CI=true).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class BrowserPlaybackTest {
  private static final Duration PLAYBACK = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int FPS = 10;

  @TempDir static Path data;
  static LocalSystem sys;
  static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    Path chromium = TestTools.require("chromium");
    Path chromedriver = TestTools.require("chromedriver");
    EndToEndTest.Ffprobe.require();
    sys = LocalSystem.start(EndToEndTest.testConfig(data, "ipc-hls-browser", 5951));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--window-size=1280,900");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
    if (sys != null) sys.close();
  }

  @Test
  void liveVideoPlays_thenReplayPlaysOverAGapAndSeeksAcrossIt() throws Exception {
    String cam = "browser-cam";
    String secret = new AdminClient(sys.credentialUrl(), sys.adminToken()).registerOrRotate(cam);
    String token = sys.viewerToken(3600, cam);
    String base = sys.playlistUrl().toString();

    try (DemoCamera camera = new DemoCamera(cam, secret, sys.mqttHost(), sys.mqttPort(), 3, FPS).start()) {
      awaitSpans(cam, token, 1, Duration.ofSeconds(9));
      browser.get(base + "/?camera=" + cam + "&token=" + token);
      double first = Await.until("live video starts", PLAYBACK, () -> currentTime(), t -> t > 0.5);
      Await.until("live video keeps playing", PLAYBACK, () -> currentTime(), t -> t > first + 2);
      double wall = wallClock();
      assertTrue(Math.abs(wall - System.currentTimeMillis()) < 120_000,
          "the clock shows the camera's time, not " + Instant.ofEpochMilli((long) wall));
    }
    Thread.sleep(6_000); // the camera is off: a gap of several seconds in the recording
    try (DemoCamera camera = new DemoCamera(cam, secret, sys.mqttHost(), sys.mqttPort(), 3, FPS).start()) {
      awaitSpans(cam, token, 2, Duration.ofSeconds(9));
    }
    JsonArray spans = timeline(cam, token).getJsonArray("spans");
    JsonObject before = spans.getJsonObject(spans.size() - 2);
    JsonObject after = spans.getJsonObject(spans.size() - 1);
    long gapStart = before.getLong("end");
    long gapEnd = after.getLong("start");
    assertTrue(gapEnd - gapStart > 2000, "a gap between " + before + " and " + after);

    // replay from 3 s before the gap: playback runs over the gap without stalling
    js("window.ipchls.replay(arguments[0], arguments[1], arguments[2])", before.getLong("start") - 1000,
        after.getLong("end") + 1000, gapStart - 3000);
    Await.until("replay plays past the gap", PLAYBACK, BrowserPlaybackTest::wallClock, t -> t > gapEnd + 1000);

    // seek back before the gap, by wall-clock time
    long target = before.getLong("start") + 1500;
    js("window.ipchls.seekToWallClock(arguments[0])", target);
    double landed = Await.until("seek before the gap", PLAYBACK, BrowserPlaybackTest::wallClock,
        t -> t >= target - 1000 && t < gapStart);
    Await.until("plays on after the seek", PLAYBACK, BrowserPlaybackTest::wallClock, t -> t > landed + 1000);

    // a seek into the gap lands on the first frame recorded after it
    js("window.ipchls.seekToWallClock(arguments[0])", (gapStart + gapEnd) / 2);
    Await.until("seek into the gap lands after it", PLAYBACK, BrowserPlaybackTest::wallClock,
        t -> t >= gapEnd && t < after.getLong("end"));
    assertEquals("", js("return document.getElementById('status').textContent"), "no playback error shown");

    // ffmpeg, an independent HLS client, plays the same replay over the gap; it decodes exactly the recorded time
    Instant from = Instant.ofEpochMilli(before.getLong("start") - 1000);
    Instant to = Instant.ofEpochMilli(after.getLong("end") + 1000);
    String replayUrl = base + "/replay.m3u8?camera_id=" + cam + "&start=" + enc(from.toString()) + "&end="
        + enc(to.toString()) + "&token=" + token;
    EndToEndTest.Ffprobe.checkPlaylistPlays(replayUrl);
    long recordedMs = (before.getLong("end") - before.getLong("start")) + (after.getLong("end") - after.getLong("start"));
    long decodedMs = EndToEndTest.Ffprobe.decodedMillis(replayUrl, FPS);
    assertEquals(recordedMs, decodedMs, 2 * 1000.0 / FPS, "decoded vs recorded duration of the replay over the gap");
  }

  private static double currentTime() {
    return ((Number) js("return window.ipchls ? window.ipchls.video.currentTime : 0")).doubleValue();
  }

  /** The wall-clock time of the frame on screen, as the player shows it; 0 before it knows. */
  private static double wallClock() {
    Object t = js("return window.ipchls ? window.ipchls.wallClock() : null");
    return t == null ? 0 : ((Number) t).doubleValue();
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  /** Waits until the camera's timeline shows {@code count} spans, the last at least {@code minLast} long. */
  private static void awaitSpans(String cam, String token, int count, Duration minLast) {
    Await.until(count + " recorded spans", Duration.ofSeconds(120), () -> timeline(cam, token).getJsonArray("spans"),
        s -> s.size() >= count && s.getJsonObject(s.size() - 1).getLong("end")
            - s.getJsonObject(s.size() - 1).getLong("start") >= minLast.toMillis());
  }

  private static JsonObject timeline(String cam, String token) {
    Instant now = Instant.now();
    String url = sys.playlistUrl() + "/api/v1/cameras/" + cam + "/timeline?start="
        + enc(now.minusSeconds(3600).toString()) + "&end=" + enc(now.plusSeconds(60).toString());
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      return new JsonObject(r.body());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
