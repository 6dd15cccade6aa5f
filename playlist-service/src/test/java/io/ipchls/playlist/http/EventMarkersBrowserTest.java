package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Issue 18 item 5 in the web player, in Debian's headless Chromium: a replay's events appear as markers on the
 * timeline with a tooltip saying what and when, and a click on one plays from the event (the frame on screen is the
 * event's wall-clock time). A screenshot of the player is left in target/event-markers.png.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EventMarkersBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final TestStack env = new TestStack();
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

  private static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  @Test
  void replaysEvents_areMarkersOnTheTimeline_andAClickPlaysFromTheEvent() throws Exception {
    String camera = TestStack.camera("markers");
    TestStack.register(pool, camera);
    // two recordings two hours apart, yesterday around noon UTC (the same local day in any time zone within ±10 h)
    Instant morning = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofHours(13));
    Instant afternoon = morning.plus(Duration.ofHours(2));
    MediaSamples.Sample sample = MediaSamples.of(Kind.FMP4_H264_AAC);
    MediaSamples.record(env, pool, camera, sample, morning, /* firstSeq= */ 1);
    MediaSamples.record(env, pool, camera, sample, afternoon, /* firstSeq= */ 100);
    EventRepository events = new EventRepository(pool);
    Instant person = morning.plusMillis(3500);
    Instant doorbell = afternoon.plusMillis(2500);
    for (CameraEvent e : List.of(
        new CameraEvent(1, "motion-1", "motion", null, morning.plusMillis(500).toEpochMilli(),
            morning.plusMillis(2500).toEpochMilli(), null),
        new CameraEvent(1, "person-1", "person", "Ann", person.toEpochMilli(), null, null),
        new CameraEvent(1, "bell-1", "doorbell", "Front door", doorbell.toEpochMilli(), null, null))) {
      await(events.store(camera, e, "http"));
    }
    Instant end = MediaSamples.end(sample, afternoon).plusSeconds(2);
    browser.get("http://127.0.0.1:" + port + "/?camera=" + camera + "&start=" + enc(morning.toString()) + "&end="
        + enc(end.toString()) + "&token=" + enc(TestStack.token(vertx, camera)));

    List<WebElement> markers = Await.until("three markers", WAIT,
        () -> browser.findElements(By.cssSelector("#events .marker")), l -> l.size() == 3);
    assertEquals(List.of("motion-1", "person-1", "bell-1"),
        markers.stream().map(m -> m.getDomAttribute("data-id")).toList());
    WebElement bell = markers.get(2);
    String tooltip = bell.getDomAttribute("title");
    assertTrue(tooltip.startsWith("Doorbell · Front door · "), tooltip);
    assertTrue(markers.get(1).getDomAttribute("title").startsWith("Person · Ann · "));
    assertTrue(bell.getRect().getX() > markers.get(1).getRect().getX() + 20, "two hours apart on the day's bar");
    Await.until("the replay loaded", WAIT, () -> ((Number) js("return window.ipchls.video.currentTime"))
        .doubleValue(), t -> t > 0.5);

    bell.click();
    assertPlaysFrom(doorbell, "doorbell");
    markers.get(1).click();
    assertPlaysFrom(person, "person");
    bell.click();
    assertPlaysFrom(doorbell, "doorbell again");
    Path shot = Path.of("target", "event-markers.png");
    Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
    assertEquals("", js("return document.getElementById('status').textContent"), "no error shown");
  }

  /** The frame on screen right after the click is the event's, and playback goes on from there. */
  private static void assertPlaysFrom(Instant event, String what) {
    double wall = Await.until(what + ": the wall clock of the frame on screen", WAIT,
        () -> (Number) js("return window.ipchls.wallClock()"), n -> n != null).doubleValue();
    double offset = wall - event.toEpochMilli();
    assertTrue(offset >= -300 && offset <= 1500, what + ": playing " + offset + " ms from the event");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
