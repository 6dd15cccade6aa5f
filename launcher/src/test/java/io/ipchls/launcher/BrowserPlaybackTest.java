package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.HeadlessChromium;
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

/**
 * The web player in a real browser (Debian's headless Chromium through its chromedriver): the live view plays, and a
 * replay across a camera outage plays over the gap and seeks to wall-clock times on both sides of it. A page served
 * from another origin (a second small HTTP server on another port, allowed by {@code cors.allowedOrigins}) plays live
 * and replay with hls.js, and the same page from a third, unlisted origin cannot load a playlist. CI installs
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
  /** Web apps on other origins: one the stack allows, one it does not. */
  static PageOrigin allowedApp;
  static PageOrigin unlistedApp;

  @BeforeAll
  static void start() throws Exception {
    Path chromium = TestTools.require("chromium");
    Path chromedriver = TestTools.require("chromedriver");
    EndToEndTest.Ffprobe.require();
    allowedApp = PageOrigin.start();
    unlistedApp = PageOrigin.start();
    StackConfig cfg = EndToEndTest.testConfig(data, "ipc-hls-browser", 5951);
    cfg.playlist().put("cors", new JsonObject().put("allowedOrigins", allowedApp.origin()));
    sys = LocalSystem.start(cfg);
    browser = HeadlessChromium.start(chromium, chromedriver);
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
    if (sys != null) sys.close();
    if (allowedApp != null) allowedApp.close();
    if (unlistedApp != null) unlistedApp.close();
  }

  @Test
  void pageOnAnAllowedOrigin_playsLiveAndReplay_anUnlistedOriginCannot() throws Exception {
    String cam = "browser-app-cam";
    String secret = new AdminClient(sys.credentialUrl(), sys.adminToken()).registerOrRotate(cam);
    String token = sys.viewerToken(3600, cam);
    String base = sys.playlistUrl().toString();
    String hlsJs = base + webPlayerScript("hls.min.js");
    try (DemoCamera camera = new DemoCamera(cam, secret, sys.mqttHost(), sys.mqttPort(), sys.caFile(), 3, FPS).start()) {
      awaitSpans(cam, token, 1, Duration.ofSeconds(9));
      // live: the token as an Authorization header, so the browser sends a preflight first
      browser.get(allowedApp.pageUrl(hlsJs));
      js("window.app.play(arguments[0], arguments[1])", base + "/playlist.m3u8?camera_id=" + cam, token);
      double first = Await.until("live video starts on the other origin", PLAYBACK, BrowserPlaybackTest::appTime,
          t -> t > 0.5 || appFatal() != null);
      assertEquals(null, appFatal(), "hls.js reported a fatal error");
      Await.until("live video keeps playing", PLAYBACK, BrowserPlaybackTest::appTime, t -> t > first + 2);
      assertEquals(null, appFatal(), "hls.js reported a fatal error");

      // the same page from an origin the stack does not list: the browser withholds the playlist
      browser.get(unlistedApp.pageUrl(hlsJs));
      js("window.app.play(arguments[0], arguments[1])", base + "/playlist.m3u8?camera_id=" + cam, token);
      String refused = Await.until("hls.js gives up on the unlisted origin", PLAYBACK,
          BrowserPlaybackTest::appFatal, f -> f != null);
      assertTrue(refused.contains("manifestLoadError"), refused);
      assertEquals(0.0, appTime(), "nothing played on the unlisted origin");
    }
    // replay: the token in the query, as a plain link would carry it
    JsonArray spans = timeline(cam, token).getJsonArray("spans");
    JsonObject span = spans.getJsonObject(spans.size() - 1);
    String replay = base + "/replay.m3u8?camera_id=" + cam + "&start="
        + enc(Instant.ofEpochMilli(span.getLong("start")).toString()) + "&end="
        + enc(Instant.ofEpochMilli(span.getLong("end")).toString()) + "&token=" + token;
    browser.get(allowedApp.pageUrl(hlsJs));
    js("window.app.play(arguments[0], null)", replay);
    Await.until("replay plays on the other origin", PLAYBACK, BrowserPlaybackTest::appTime,
        t -> t > 2 || appFatal() != null);
    assertEquals(null, appFatal(), "hls.js reported a fatal error");
  }

  private static double appTime() {
    return ((Number) js("return window.app ? window.app.video.currentTime : 0")).doubleValue();
  }

  private static String appFatal() {
    return (String) js("return window.app ? window.app.fatal : null");
  }

  /** The path of one of the web player's scripts, as its own page names it (hls.js's WebJar version). */
  private static String webPlayerScript(String name) throws Exception {
    String page = HTTP.send(HttpRequest.newBuilder(sys.playlistUrl().resolve("/")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    var m = java.util.regex.Pattern.compile("src=\"([^\"]*" + java.util.regex.Pattern.quote(name) + ")\"")
        .matcher(page);
    assertTrue(m.find(), "the web player's page names " + name);
    return m.group(1);
  }

  /**
   * A web app on its own origin: a tiny HTTP server on another 127.0.0.1 port serving one page that plays a playlist
   * URL with hls.js (loaded from playlist-service), sending the token as a header to playlist URLs when given one,
   * and recording hls.js's fatal error.
   */
  record PageOrigin(com.sun.net.httpserver.HttpServer server) implements AutoCloseable {
    static PageOrigin start() throws java.io.IOException {
      var server = com.sun.net.httpserver.HttpServer.create(
          new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        String query = exchange.getRequestURI().getRawQuery();
        String script = java.net.URLDecoder.decode(query.substring(query.indexOf('=') + 1), StandardCharsets.UTF_8);
        byte[] page = PAGE.replace("HLS_JS", script).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, page.length);
        try (var out = exchange.getResponseBody()) {
          out.write(page);
        }
      });
      server.start();
      return new PageOrigin(server);
    }

    String origin() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String pageUrl(String hlsJs) {
      return origin() + "/app.html?hls=" + enc(hlsJs);
    }

    @Override
    public void close() {
      server.stop(0);
    }

    private static final String PAGE = """
        <!doctype html><html><body><video id="v" muted playsinline></video>
        <script src="HLS_JS"></script>
        <script>
          const video = document.getElementById('v');
          window.app = {video: video, fatal: null, hls: null,
            play(url, token) {
              if (this.hls) this.hls.destroy();
              this.fatal = null;
              const hls = new Hls({xhrSetup: (xhr, u) => {
                if (token && new URL(u, location.href).pathname.endsWith('.m3u8')) xhr.setRequestHeader('Authorization', 'Bearer ' + token);
              }});
              this.hls = hls;
              hls.on(Hls.Events.ERROR, (e, d) => { if (d.fatal) this.fatal = d.type + ' ' + d.details; });
              hls.loadSource(url);
              hls.attachMedia(video);
              video.play().catch(() => {});
            }};
        </script></body></html>
        """;
  }

  @Test
  void liveVideoPlays_thenReplayPlaysOverAGapAndSeeksAcrossIt() throws Exception {
    String cam = "browser-cam";
    String secret = new AdminClient(sys.credentialUrl(), sys.adminToken()).registerOrRotate(cam);
    String token = sys.viewerToken(3600, cam);
    String base = sys.playlistUrl().toString();
    Instant begin = Instant.now().minusSeconds(60);
    long uploaded = 0;

    DemoCamera camera = new DemoCamera(cam, secret, sys.mqttHost(), sys.mqttPort(), sys.caFile(), 3, FPS).start();
    try {
      awaitSpans(cam, token, 1, Duration.ofSeconds(9));
      browser.get(base + "/?camera=" + cam + "&token=" + token);
      double first = Await.until("live video starts", PLAYBACK, () -> currentTime(), t -> t > 0.5);
      Await.until("live video keeps playing", PLAYBACK, () -> currentTime(), t -> t > first + 2);
      double wall = wallClock();
      assertTrue(Math.abs(wall - System.currentTimeMillis()) < 120_000,
          "the clock shows the camera's time, not " + Instant.ofEpochMilli((long) wall));
      // live means near the live edge: within 3 segment durations of now (the tuned player measures about 5 s with
      // 3 s segments, hls.js's defaults about 13 s; docs/PERFORMANCE.md); a functional bound, not a speed target
      Await.until("live playback reaches the live edge", PLAYBACK, () -> System.currentTimeMillis() - wallClock(),
          behind -> behind < 3 * 3_000);
    } finally {
      camera.close();
    }
    uploaded += camera.camera().metrics().segmentsUploaded();
    Thread.sleep(6_000); // the camera is off: a gap of several seconds in the recording
    camera = new DemoCamera(cam, secret, sys.mqttHost(), sys.mqttPort(), sys.caFile(), 3, FPS).start();
    try {
      awaitSpans(cam, token, 2, Duration.ofSeconds(9));
    } finally {
      camera.close();
    }
    uploaded += camera.camera().metrics().segmentsUploaded();
    // closing the camera uploads its last segment and waits for the broker's PUBACK; ingest indexes it a moment
    // later. The timeline read below and the replay decoded at the end must see the same segments: wait for all.
    long all = uploaded;
    String everything = base + "/replay.m3u8?camera_id=" + cam + "&start=" + enc(begin.toString()) + "&end="
        + enc(Instant.now().plusSeconds(5).toString()) + "&token=" + token;
    Await.until(all + " uploaded segments in the replay", Duration.ofSeconds(30), () -> EndToEndTest.get(everything),
        body -> EndToEndTest.Playlist.parse(body).uris.size() >= all);
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
