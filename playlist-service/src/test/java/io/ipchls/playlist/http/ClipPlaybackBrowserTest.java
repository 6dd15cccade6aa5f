package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.HeadlessChromium;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.MediaSamples;
import io.ipchls.playlist.MediaSamples.Kind;
import io.ipchls.playlist.TestStack;
import io.vertx.core.Vertx;
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
 * Issue 18 item 4: an exported clip plays in Debian's headless Chromium as a plain {@code <video src>} (no hls.js,
 * no MSE): the browser's own range requests against the clip route, video decoded past 1 s.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClipPlaybackBrowserTest {
  private static final Duration PLAYBACK = Duration.ofSeconds(60);
  private static final TestStack env = new TestStack();
  private static Pool pool;
  private static int port;
  private static String token;
  private static ChromeDriver browser;

  @BeforeAll
  static void start(Vertx vertx) {
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
    var verticle = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24));
    await(vertx.deployVerticle(verticle));
    port = verticle.port();
    token = TestStack.token(vertx, "*");
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
  }

  @Test
  void tsH264AacClip_playsInAVideoElement() {
    String camera = TestStack.camera("clip-browser");
    TestStack.register(pool, camera);
    Instant start = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    MediaSamples.record(env, pool, camera, MediaSamples.of(Kind.TS_H264_AAC), start, /* firstSeq= */ 1);
    String src = "/api/v1/cameras/" + camera + "/clip.mp4?start=" + enc(start.toString()) + "&end="
        + enc(start.plusSeconds(6).toString()) + "&token=" + enc(token);
    browser.get("http://127.0.0.1:" + port + "/health");
    js("const v = document.createElement('video'); v.id = 'clip'; v.muted = true; v.src = arguments[0];"
        + " document.body.appendChild(v); v.play();", src);
    double t = Await.until("the clip plays", PLAYBACK,
        () -> ((Number) js("const v = document.getElementById('clip'); return v.error ? -1 : v.currentTime"))
            .doubleValue(), x -> x > 1 || x < 0);
    assertTrue(t > 1, "currentTime " + t + ", error " + js("const e = document.getElementById('clip').error;"
        + " return e ? e.code + ' ' + e.message : ''"));
    assertTrue(((Number) js("return document.getElementById('clip').webkitVideoDecodedByteCount")).longValue() > 0,
        "video decoded");
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
