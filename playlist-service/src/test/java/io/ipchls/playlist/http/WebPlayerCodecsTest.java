package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.HeadlessChromium;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.MediaSamples;
import io.ipchls.playlist.MediaSamples.Kind;
import io.ipchls.playlist.MediaSamples.Recorded;
import io.ipchls.playlist.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Issue 16 items 4 and 6: the web player (its own page, hls.js 1.7 as the build fetched it) in Debian's headless
 * Chromium plays fMP4 cameras with H.264 and AAC and with H.264 and FLAC (the G.711 path), video and audio decoded;
 * for an H.265 camera, which that Chromium cannot decode, it says so plainly and offers the recording to download
 * instead of a black video. CI installs chromium and chromium-driver; {@code TestTools} decides what a missing one
 * means (an error under CI=true).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WebPlayerCodecsTest {
  private static final Duration PLAYBACK = Duration.ofSeconds(60);
  private static final TestStack env = new TestStack();
  private static Pool pool;
  private static WebClient client;
  private static String token;
  private static int port;
  private static ChromeDriver browser;

  @BeforeAll
  static void start(Vertx vertx) {
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
    var verticle = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24));
    await(vertx.deployVerticle(verticle));
    port = verticle.port();
    client = WebClient.create(vertx);
    token = TestStack.token(vertx, "*");
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
  }

  /** Opens the web player on a replay of the camera's recording (its deep link), the token in the query. */
  private static Recorded openReplay(String name, Kind kind) {
    String camera = TestStack.camera(name);
    TestStack.register(pool, camera);
    Instant start = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    Recorded r = MediaSamples.record(env, pool, camera, MediaSamples.of(kind), start, /* firstSeq= */ 1);
    Instant end = MediaSamples.end(MediaSamples.of(kind), start).plusSeconds(5);
    browser.get("http://127.0.0.1:" + port + "/?camera=" + camera + "&start=" + enc(start.toString()) + "&end="
        + enc(end.toString()) + "&token=" + enc(token));
    return r;
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private static double number(String script) {
    return ((Number) js(script)).doubleValue();
  }

  private void playsVideoAndAudio(String name, Kind kind) {
    openReplay(name, kind);
    double t = Await.until(kind + " plays", PLAYBACK, () -> number("return window.ipchls.video.currentTime"),
        x -> x > 2 || !((String) js("return document.getElementById('status').textContent")).isEmpty());
    assertTrue(t > 2, "video advanced: " + js("return document.getElementById('status').textContent"));
    assertEquals("", js("return document.getElementById('status').textContent"), "no playback error");
    assertTrue(number("return window.ipchls.video.webkitVideoDecodedByteCount") > 0, "video decoded");
    assertTrue(number("return window.ipchls.video.webkitAudioDecodedByteCount") > 0, "audio decoded");
    assertEquals(Boolean.TRUE, js("return document.getElementById('refusal').hidden"));
  }

  @Test
  void h264WithAac_fmp4_playsVideoAndAudio() {
    playsVideoAndAudio("web-aac", Kind.FMP4_H264_AAC);
  }

  @Test
  void h264WithFlac_fmp4_playsVideoAndAudio() {
    playsVideoAndAudio("web-flac", Kind.FMP4_H264_FLAC);
  }

  @Test
  void hevcCamera_thisChromiumCannotDecodeIt_isRefusedPlainlyWithADownloadLink() {
    Recorded r = openReplay("web-hevc", Kind.FMP4_HEVC_AAC);
    String codec = MediaSamples.of(Kind.FMP4_HEVC_AAC).codecs().split(",")[0];
    assertEquals(Boolean.FALSE, js("return MediaSource.isTypeSupported('video/mp4; codecs=\"" + codec + "\"')"),
        "this test expects a Chromium without H.265 decoding (Debian's)");
    String text = Await.until("the refusal", PLAYBACK,
        () -> (String) js("const e = document.getElementById('refusal'); return e.hidden ? '' : e.textContent"),
        s -> !s.isEmpty());
    assertTrue(text.startsWith("This camera records H.265 (HEVC), which this browser cannot decode. Download the "
        + "recording instead: "), text);
    assertEquals(0.0, number("return window.ipchls.video.currentTime"), "nothing plays behind the message");
    assertEquals(Boolean.TRUE, js("return window.ipchls.hls === null"), "hls.js was never started");
    // the link works: the replay with complete links, for a player that can decode it
    String href = (String) js("return document.querySelector('#refusal a').href");
    assertTrue(href.contains("/replay.m3u8?camera_id=" + r.camera()) && href.contains("links=full"), href);
    HttpResponse<Buffer> download = await(client.getAbs(href).send());
    assertEquals(200, download.statusCode(), download.bodyAsString());
    assertTrue(download.bodyAsString().contains("#EXT-X-MAP:URI=\"http"), download.bodyAsString());
    assertFalse(download.bodyAsString().contains("\ns/"), "no short links: the file works where it is saved");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
