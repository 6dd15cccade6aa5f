package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.HeadlessChromium;
import io.ipchls.ingest.events.EventRepository;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.MediaSamples;
import io.ipchls.playlist.MediaSamples.Kind;
import io.ipchls.playlist.TestStack;
import io.ipchls.protocol.CameraEvent;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;

/**
 * Issue 18 item 6 in Debian's headless Chromium: replay speeds and the keyboard, the timeline zoomed from the day to a
 * minute (spans and event markers where their times are, a click plays from the time under it, a drag selects the
 * export's range), the grid of live cameras all playing, and the phone layout without sideways scrolling. Screenshots
 * are left in target/player-desktop.png, target/player-grid.png and target/player-phone.png.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PlayerControlsBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final TestStack env = new TestStack();
  private static final MediaSamples.Sample SAMPLE = MediaSamples.of(Kind.FMP4_H264_AAC);
  private static Vertx vertx;
  private static Pool pool;
  private static int port;
  private static ChromeDriver browser;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
    var verticle = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24));
    await(vertx.deployVerticle(verticle));
    port = verticle.port();
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
  }

  /** Yesterday around noon UTC: the same local day in any time zone within ±10 h. */
  private static Instant yesterdayNoon() {
    return Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofHours(13));
  }

  @Test
  void keys_pauseSeekAndChangeTheSpeed_from0_5to16() {
    String camera = TestStack.camera("keys");
    TestStack.register(pool, camera);
    Instant start = yesterdayNoon();
    for (int i = 0; i < 3; i++) { // 18 s of media, a minute apart
      MediaSamples.record(env, pool, camera, SAMPLE, start.plus(Duration.ofMinutes(i)), 1 + 10L * i);
    }
    openReplay(camera, start, MediaSamples.end(SAMPLE, start.plus(Duration.ofMinutes(2))));
    waitPlaying();

    keys(" ");
    Await.until("paused by space", WAIT, () -> (Boolean) js("return window.ipchls.video.paused"), p -> p);
    double at = number("return window.ipchls.video.currentTime");
    assertTrue(at + 10 < number("return window.ipchls.video.duration"), "room to seek 10 s forward from " + at);
    keys(Keys.ARROW_RIGHT);
    assertEquals(at + 10, number("return window.ipchls.video.currentTime"), 0.05, "→ seeks 10 s forward");
    keys(Keys.ARROW_LEFT);
    assertEquals(at, number("return window.ipchls.video.currentTime"), 0.05, "← seeks 10 s back");

    assertEquals(1.0, rate());
    keys("[");
    assertEquals(0.5, rate(), "[ slows down");
    keys("[");
    assertEquals(0.5, rate(), "0.5× is the slowest");
    List<Double> seen = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      keys("]");
      seen.add(rate());
    }
    assertEquals(List.of(1.0, 2.0, 4.0, 8.0, 16.0, 16.0), seen, "] speeds up to 16×");
    assertEquals("16", js("return document.getElementById('speed').value"), "the speed control shows it");
    assertTrue(number("return window.ipchls.hls.config.maxBufferLength") >= 16 * 30,
        "hls.js buffers 30 s of viewing at 16×");
    keys("[");
    assertEquals(8.0, rate());
    assertEquals(8 * 30, number("return window.ipchls.hls.config.maxBufferLength"), "and 30 s of viewing at 8×");

    keys(" ");
    Await.until("playing again by space", WAIT, () -> (Boolean) js("return window.ipchls.video.paused"), p -> !p);
    Await.until("the replay goes on at 8×", WAIT, () -> number("return window.ipchls.video.currentTime"),
        t -> t > at + 1);
    assertEquals(8.0, rate(), "the speed holds while playing");
    assertEquals("", js("return document.getElementById('status').textContent"), "no error shown");
  }

  @Test
  void timeline_zoomsFromTheDayToAMinute_markersStayOnTheirTimes_clickPlays_dragSelectsTheExport() throws Exception {
    String camera = TestStack.camera("zoom");
    TestStack.register(pool, camera);
    Instant morning = yesterdayNoon();
    Instant afternoon = morning.plus(Duration.ofHours(2));
    MediaSamples.record(env, pool, camera, SAMPLE, morning, 1);
    MediaSamples.record(env, pool, camera, SAMPLE, afternoon, 100);
    Map<String, Instant> events = new HashMap<>();
    events.put("motion-1", morning.plusMillis(500));
    events.put("person-1", morning.plusMillis(3500));
    events.put("bell-1", afternoon.plusMillis(2500));
    EventRepository repository = new EventRepository(pool);
    for (var e : events.entrySet()) {
      await(repository.store(camera, new CameraEvent(1, e.getKey(), "motion", null, e.getValue().toEpochMilli(),
          null, null), "http"));
    }
    openReplay(camera, morning, MediaSamples.end(SAMPLE, morning));
    Await.until("three markers", WAIT, () -> browser.findElements(By.cssSelector("#events .marker")).size(),
        n -> n == 3);
    waitPlaying();
    List<Instant> spanStarts = List.of(morning, afternoon);

    long[] spans = {24 * 3600_000L, 12 * 3600_000L, 6 * 3600_000L, 3 * 3600_000L, 3600_000L, 30 * 60_000L,
        15 * 60_000L, 5 * 60_000L, 60_000L};
    for (int level = 0; level < spans.length; level++) {
      if (level > 0) keys("+");
      long span = spans[level];
      Await.until("the view spans " + span + " ms", WAIT, () -> view()[1] - view()[0], s -> s == span);
      double[] view = view();
      // each marker in view sits at its event's time, and only those are shown
      List<WebElement> markers = browser.findElements(By.cssSelector("#events .marker"));
      long inView = events.values().stream().filter(t -> inView(t, view)).count();
      assertEquals(inView, markers.size(), "markers in a view of " + span + " ms");
      for (WebElement m : markers) {
        Instant t = events.get(m.getDomAttribute("data-id"));
        assertEquals(xOf(t, view), m.getRect().getX() + m.getRect().getWidth() / 2.0, 2.0,
            m.getDomAttribute("data-id") + " in a view of " + span + " ms");
      }
      List<WebElement> recorded = browser.findElements(By.cssSelector("#spans .span"));
      long spansInView = spanStarts.stream().filter(t -> inView(t, view)).count();
      assertEquals(spansInView, recorded.size(), "recorded spans in a view of " + span + " ms");
      if (spansInView > 0) assertEquals(xOf(morning, view), recorded.get(0).getRect().getX(), 2.0);
    }
    assertEquals("1 min", browser.findElement(By.id("zoom-level")).getText());
    assertFalse(browser.findElement(By.id("zoom-in")).isEnabled(), "a minute is the closest zoom");

    // the wheel zooms around the pointer: the time under it stays where it is
    WebElement bar = browser.findElement(By.id("timeline"));
    double pointerX = xOf(morning.plusMillis(3000), view());
    new Actions(browser).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(bar, offset(pointerX), 0), 0, 100)
        .perform();
    Await.until("the wheel zoomed out to 5 min", WAIT, () -> view()[1] - view()[0], s -> s == 5 * 60_000);
    assertEquals(pointerX, xOf(morning.plusMillis(3000), view()), 2.0, "the time under the pointer stays put");
    new Actions(browser).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(bar, offset(pointerX), 0), 0, -100)
        .perform();
    Await.until("the wheel zoomed back in to 1 min", WAIT, () -> view()[1] - view()[0], s -> s == 60_000);
    List<String> ticks = browser.findElements(By.cssSelector("#ticks span")).stream().map(WebElement::getText).toList();
    assertTrue(ticks.size() >= 4 && ticks.stream().allMatch(t -> t.matches("\\d\\d:\\d\\d:(00|15|30|45)")),
        "a minute's labels every 15 s: " + ticks);

    // a click plays from the time under it (a time away from the frame on screen, and from the markers)
    double[] view = view();
    Number now = (Number) js("return window.ipchls.wallClock()");
    Instant target = morning.plusMillis(now != null && now.longValue() > morning.toEpochMilli() + 3500 ? 1500 : 5000);
    click(xOf(target, view));
    assertPlaysFrom(target);

    // a drag from 1 s to 4 s selects that range, and the export link is its clip
    Instant from = morning.plusMillis(1000);
    Instant to = morning.plusMillis(4000);
    drag(xOf(from, view), xOf(to, view));
    WebElement export = browser.findElement(By.id("export"));
    Await.until("the export follows the selection", WAIT, () -> export.getText(), t -> t.startsWith("Export clip "));
    Map<String, String> query = query(export.getDomAttribute("href"));
    assertEquals(from.toEpochMilli(), Instant.parse(query.get("start")).toEpochMilli(), 250, "clip start");
    assertEquals(to.toEpochMilli(), Instant.parse(query.get("end")).toEpochMilli(), 250, "clip end");
    assertTrue(export.isDisplayed(), "the export link is shown");
    assertTrue(browser.findElement(By.id("selection")).isDisplayed(), "the selection is drawn on the bar");
    js("document.getElementById('ticks').scrollIntoView({block: 'end'})");
    assertTrue(number("return document.getElementById('ticks').getBoundingClientRect().bottom") <= number(
        "return window.innerHeight"), "video, controls and timeline fit one desktop screen");
    Files.write(Path.of("target", "player-desktop.png"), browser.getScreenshotAs(OutputType.BYTES));

    keys(Keys.ESCAPE); // the export is the replayed range again
    Await.until("the selection cleared", WAIT, () -> export.getText(), "Export clip"::equals);
    assertEquals("", js("return document.getElementById('status').textContent"), "no error shown");
  }

  @Test
  void grid_playsEachCameraLive_andATileOpensItsCamera() throws Exception {
    List<String> cameras = new ArrayList<>();
    Instant now = Instant.now().minusSeconds(7);
    for (int i = 1; i <= 3; i++) {
      String camera = TestStack.camera("grid" + i);
      TestStack.register(pool, camera);
      MediaSamples.record(env, pool, camera, SAMPLE, now, 1);
      cameras.add(camera);
    }
    browser.get(base() + "/?token=" + enc(TestStack.token(vertx, cameras.toArray(String[]::new))));
    Await.until("the camera list", WAIT, () -> browser.findElements(By.cssSelector("#cameras li")).size(), n -> n == 3);
    keys("g");
    Await.until("three tiles", WAIT, () -> browser.findElements(By.cssSelector("#grid .tile")).size(), n -> n == 3);
    assertEquals(cameras, browser.findElements(By.cssSelector("#grid .tile")).stream()
        .map(t -> t.getDomAttribute("data-id")).toList());
    Await.until("every tile plays", WAIT,
        () -> (List<?>) js("return window.ipchls.tiles().map(v => v.currentTime)"),
        times -> times.size() == 3 && times.stream().allMatch(t -> ((Number) t).doubleValue() > 0.5));
    Files.write(Path.of("target", "player-grid.png"), browser.getScreenshotAs(OutputType.BYTES));
    assertEquals("", js("return document.getElementById('status').textContent"), "no error shown");

    browser.findElements(By.cssSelector("#grid .tile")).get(1).click();
    Await.until("the second camera alone, live", WAIT, () -> browser.findElement(By.id("mode")).getText(),
        ("Live: " + cameras.get(1))::equals);
    assertFalse(browser.findElement(By.id("grid")).isDisplayed(), "the grid is gone");
    Await.until("its live view plays", WAIT, () -> number("return window.ipchls.video.currentTime"), t -> t > 0.5);
  }

  @Test
  void phone_showsVideoTimelineAndControls_withoutSidewaysScrolling() throws Exception {
    String camera = TestStack.camera("phone");
    TestStack.register(pool, camera);
    Instant start = yesterdayNoon();
    MediaSamples.record(env, pool, camera, SAMPLE, start, 1);
    browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
    try {
      openReplay(camera, start, MediaSamples.end(SAMPLE, start));
      waitPlaying();
      assertEquals(390L, ((Number) js("return window.innerWidth")).longValue());
      assertTrue(number("return document.scrollingElement.scrollWidth") <= 390,
          "no sideways scrolling: " + js("return document.scrollingElement.scrollWidth"));
      for (String id : List.of("video", "timeline", "live", "speed", "zoom-in", "zoom-out", "replay", "export")) {
        WebElement element = browser.findElement(By.id(id));
        var r = element.getRect();
        assertTrue(element.isDisplayed() && r.getWidth() > 0 && r.getX() >= 0 && r.getX() + r.getWidth() <= 390,
            id + " is on screen: " + r.getX() + "+" + r.getWidth());
      }
      for (String id : List.of("live", "speed", "zoom-in")) {
        assertTrue(browser.findElement(By.id(id)).getRect().getHeight() >= 40, id + " is big enough for a thumb");
      }
      Files.write(Path.of("target", "player-phone.png"), browser.getScreenshotAs(OutputType.BYTES));
    } finally {
      browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  private static void openReplay(String camera, Instant start, Instant end) {
    browser.get(base() + "/?camera=" + camera + "&start=" + enc(start.toString()) + "&end=" + enc(end.toString())
        + "&token=" + enc(TestStack.token(vertx, camera)));
  }

  private static void waitPlaying() {
    Await.until("the replay plays", WAIT, () -> number("return window.ipchls.video.currentTime"), t -> t > 0.5);
  }

  private static String base() {
    return "http://127.0.0.1:" + port;
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private static double number(String script) {
    return ((Number) js(script)).doubleValue();
  }

  private static double rate() {
    return number("return window.ipchls.video.playbackRate");
  }

  private static void keys(CharSequence keys) {
    new Actions(browser).sendKeys(keys).perform();
  }

  private static double[] view() {
    List<?> v = (List<?>) js("const v = window.ipchls.view; return [v.start, v.end]");
    return new double[] {((Number) v.get(0)).doubleValue(), ((Number) v.get(1)).doubleValue()};
  }

  private static boolean inView(Instant t, double[] view) {
    return t.toEpochMilli() >= view[0] && t.toEpochMilli() < view[1];
  }

  /** The page x of a wall-clock time on the timeline bar in this view. */
  private static double xOf(Instant t, double[] view) {
    var r = browser.findElement(By.id("timeline")).getRect();
    return r.getX() + r.getWidth() * (t.toEpochMilli() - view[0]) / (view[1] - view[0]);
  }

  /** Offsets from the timeline's centre, as WebDriver's actions take them. */
  private static int offset(double x) {
    var r = browser.findElement(By.id("timeline")).getRect();
    return (int) Math.round(x - (r.getX() + r.getWidth() / 2.0));
  }

  private static void click(double x) {
    new Actions(browser).moveToElement(browser.findElement(By.id("timeline")), offset(x), 0).click().perform();
  }

  private static void drag(double fromX, double toX) {
    WebElement timeline = browser.findElement(By.id("timeline"));
    new Actions(browser).moveToElement(timeline, offset(fromX), 0).clickAndHold()
        .moveToElement(timeline, offset((fromX + toX) / 2), 0).moveToElement(timeline, offset(toX), 0).release()
        .perform();
  }

  /** The frame on screen is the time clicked, and playback goes on from there. */
  private static void assertPlaysFrom(Instant t) {
    Await.until("playing from " + t, WAIT, () -> (Number) js("return window.ipchls.wallClock()"),
        n -> n != null && Math.abs(n.doubleValue() - t.toEpochMilli()) < 1500);
    double offset = number("return window.ipchls.wallClock()") - t.toEpochMilli();
    assertTrue(offset >= -300 && offset <= 1500, "playing " + offset + " ms from the time clicked");
  }

  private static Map<String, String> query(String href) {
    Map<String, String> q = new HashMap<>();
    for (String pair : URI.create(href.startsWith("/") ? base() + href : href).getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return q;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
