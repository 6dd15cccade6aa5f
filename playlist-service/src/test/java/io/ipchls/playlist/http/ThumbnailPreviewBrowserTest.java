package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.infra.Await;
import io.ipchls.infra.HeadlessChromium;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.SdkRecordings;
import io.ipchls.playlist.SdkRecordings.Recording;
import io.ipchls.playlist.TestStack;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * Issue 18 items 3 and 6 in Debian's headless Chromium: while the pointer moves along the timeline, the thumbnail of
 * the segment starting nearest the time under it shows above it, loaded (naturalWidth > 0) from the URL the listing
 * gave, with that segment's time; with a finger on a phone as well. Screenshots: target/player-thumbnail.png and
 * target/player-thumbnail-phone.png.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ThumbnailPreviewBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final TestStack env = new TestStack();
  private static Vertx vertx;
  private static int port;
  private static ChromeDriver browser;
  private static Recording rec;

  @BeforeAll
  static void start(Vertx v) throws Exception {
    vertx = v;
    env.migrateIngest(vertx);
    Pool pool = Database.pool(vertx, env.db());
    var verticle = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24));
    await(vertx.deployVerticle(verticle));
    port = verticle.port();
    String camera = TestStack.camera("preview");
    TestStack.register(pool, camera);
    // yesterday around noon UTC: the same local day in any time zone within ±10 h
    Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofHours(13));
    rec = SdkRecordings.record(env, pool, camera, SdkRecordings.segments(VideoCodec.H264, Container.TS, 12), start,
        /* thumbnails= */ true);
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
  }

  @Test
  void mouseOverTheTimeline_showsTheNearestThumbnailWithItsTime() throws Exception {
    openZoomedToAMinute();
    for (int segment : List.of(1, 4)) {
      Instant at = start(segment).plusMillis(600); // nearer this segment's start than the next one's
      new Actions(browser).moveToElement(browser.findElement(By.id("timeline")), offset(xOf(at)), 0).perform();
      assertPreviewShows(segment);
    }
    Files.write(Path.of("target", "player-thumbnail.png"), browser.getScreenshotAs(OutputType.BYTES));
    new Actions(browser).moveToElement(browser.findElement(By.id("video"))).perform();
    Await.until("the preview hides when the pointer leaves", WAIT, () -> (Boolean) js(
        "return document.getElementById('preview').hidden"), h -> h);
  }

  @Test
  void phone_touchDragAlongTheTimeline_showsThePreviewUnderTheFinger() throws Exception {
    browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
    browser.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", true, "maxTouchPoints", 1));
    try {
      openZoomedToAMinute();
      var r = browser.findElement(By.id("timeline")).getRect();
      double y = r.getY() + r.getHeight() / 2.0;
      touch("touchStart", xOf(start(0).plusMillis(300)), y);
      touch("touchMove", xOf(start(2).plusMillis(200)), y);
      touch("touchMove", xOf(start(3).plusMillis(400)), y);
      assertPreviewShows(3);
      Files.write(Path.of("target", "player-thumbnail-phone.png"), browser.getScreenshotAs(OutputType.BYTES));
      touch("touchEnd", xOf(start(3).plusMillis(400)), y);
      Await.until("the preview hides when the finger lifts", WAIT, () -> (Boolean) js(
          "return document.getElementById('preview').hidden"), h -> h);
    } finally {
      browser.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", false));
      browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }

  /** The preview shows, loaded, the thumbnail of {@code segment}, labelled with its start time. */
  private static void assertPreviewShows(int segment) {
    long expected = start(segment).toEpochMilli();
    Await.until("the preview of segment " + segment, WAIT, () -> js("""
        const p = document.getElementById('preview'), img = document.getElementById('preview-image');
        return p.hidden ? null : p.dataset.time + '/' + (img.complete && img.naturalWidth > 0)"""),
        s -> (expected + "/true").equals(s));
    assertEquals(320L, ((Number) js("return document.getElementById('preview-image').naturalWidth")).longValue(),
        "the camera's 320x180 JPEG");
    assertEquals(js("const d = new Date(" + expected + "), p = (n) => String(n).padStart(2, '0');"
            + "return p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds())"),
        js("return document.getElementById('preview-time').textContent"), "its segment's time, local");
    // the image is the one the listing gave for that time (a presigned URL on the store: fetched here, it is that
    // segment's JPEG)
    String src = (String) js("return document.getElementById('preview-image').src");
    try (var in = java.net.URI.create(src).toURL().openStream()) {
      assertArrayEquals(rec.thumbnails().get(segment), in.readAllBytes(), "that segment's JPEG");
    } catch (java.io.IOException e) {
      throw new AssertionError("cannot load " + src, e);
    }
  }

  private static void openZoomedToAMinute() {
    Instant end = rec.rows().get(rec.rows().size() - 1).startAt().toInstant().plusSeconds(2);
    browser.get("http://127.0.0.1:" + port + "/?camera=" + rec.camera() + "&start=" + enc(start(0).toString())
        + "&end=" + enc(end.toString()) + "&token=" + enc(TestStack.token(vertx, rec.camera())));
    Await.until("the replay plays", WAIT, () -> ((Number) js("return window.ipchls.video.currentTime"))
        .doubleValue(), t -> t > 0.3);
    js("window.ipchls.video.pause()");
    for (int i = 0; i < 8; i++) browser.findElement(By.id("zoom-in")).click(); // to a minute around the frame shown
    Await.until("the view's thumbnails are listed", WAIT, () -> (List<?>) js("return window.ipchls.thumbnails"),
        l -> l.size() == rec.rows().size());
  }

  private static Instant start(int segment) {
    return rec.rows().get(segment).startAt().toInstant();
  }

  private static double xOf(Instant t) {
    List<?> v = (List<?>) js("const v = window.ipchls.view; return [v.start, v.end]");
    double a = ((Number) v.get(0)).doubleValue();
    double b = ((Number) v.get(1)).doubleValue();
    var r = browser.findElement(By.id("timeline")).getRect();
    return r.getX() + r.getWidth() * (t.toEpochMilli() - a) / (b - a);
  }

  private static int offset(double x) {
    var r = browser.findElement(By.id("timeline")).getRect();
    return (int) Math.round(x - (r.getX() + r.getWidth() / 2.0));
  }

  /** A finger on the screen, through Chromium's own input pipeline (touch events become pointer events). */
  private static void touch(String type, double x, double y) {
    List<Map<String, Object>> points = type.equals("touchEnd") ? List.of() : List.of(Map.of("x", x, "y", y));
    browser.executeCdpCommand("Input.dispatchTouchEvent", Map.of("type", type, "touchPoints", points));
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
