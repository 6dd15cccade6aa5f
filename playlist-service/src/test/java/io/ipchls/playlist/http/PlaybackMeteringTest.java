package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static io.ipchls.playlist.TestStack.contiguous;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.infra.Await;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.PlaylistConfig.SegmentAccess;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Playback metering after real fetches, as the camera's usage route shows it once the instance flushed: presigned
 * (short links resolved and full links handed out count each segment with its size from the index) and proxy (the
 * bytes actually sent), each request counted; and the route's answer to a bad camera id.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PlaybackMeteringTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final TestStack env = new TestStack();
  private static Pool pool;
  private static WebClient client;
  private static int presignedPort;
  private static int proxyPort;
  private static String token;

  @BeforeAll
  static void start(Vertx vertx) {
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
    var presigned = new PlaylistHttpVerticle(env.config(24));
    var proxy = new PlaylistHttpVerticle(env.config(24, SegmentAccess.PROXY, /* open= */ false));
    await(vertx.deployVerticle(presigned));
    await(vertx.deployVerticle(proxy));
    presignedPort = presigned.port();
    proxyPort = proxy.port();
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    token = TestStack.token(vertx, "*");
  }

  @AfterAll
  static void close() {
    client.close();
  }

  @Test
  void presigned_countsEachSegmentHandedOut_withItsIndexedSize() {
    String cam = TestStack.camera("meter-presigned");
    List<Seg> segs = stored(cam);
    String range = range(segs);
    List<String> shortLinks = uris(get(presignedPort, "/replay.m3u8?camera_id=" + cam + range).bodyAsString());
    URI base = URI.create("http://127.0.0.1:" + presignedPort + "/replay.m3u8");
    for (String link : shortLinks) {
      HttpResponse<Buffer> r = get(presignedPort, base.resolve(link).getRawPath());
      assertEquals(302, r.statusCode(), r.bodyAsString());
    }
    assertEquals(3, uris(get(presignedPort, "/replay.m3u8?camera_id=" + cam + range + "&links=full").bodyAsString())
        .size());
    long size = segs.stream().mapToLong(s -> s.bytes().length).sum();
    // 5 requests (2 playlists, 3 short links); 3 short links resolved + 3 full links handed out
    JsonObject usage = awaitUsage(presignedPort, cam,
        u -> u.getLong("playbackRequests") == 5 && u.getLong("segmentsServed") == 6);
    assertEquals(2 * size, usage.getLong("bytesServed"), "each handed-out segment's size from the index");
  }

  @Test
  void proxy_countsTheBytesActuallySent() {
    String cam = TestStack.camera("meter-proxy");
    List<Seg> segs = stored(cam);
    List<String> links = uris(get(proxyPort, "/replay.m3u8?camera_id=" + cam + range(segs) + "&links=full")
        .bodyAsString());
    URI base = URI.create("http://127.0.0.1:" + proxyPort + "/replay.m3u8");
    long sent = 0;
    for (int i = 0; i < links.size(); i++) {
      URI u = base.resolve(links.get(i));
      HttpResponse<Buffer> r = get(proxyPort, u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertArrayEquals(segs.get(i).bytes(), r.body().getBytes());
      sent += r.body().length();
    }
    long total = sent;
    JsonObject usage = awaitUsage(proxyPort, cam, u -> u.getLong("bytesServed") == total);
    assertEquals(3, usage.getLong("segmentsServed"));
    assertEquals(4, usage.getLong("playbackRequests"), "the playlist and its three segments");
  }

  @Test
  void usage_badCameraId_is400() {
    HttpResponse<Buffer> r = get(presignedPort, "/api/v1/cameras/Not%20An%20Id/usage");
    assertEquals(400, r.statusCode(), r.bodyAsString());
  }

  private static List<Seg> stored(String cam) {
    List<Seg> segs = contiguous(cam, Instant.now().minus(10, ChronoUnit.MINUTES), 3000, 3000, 3000);
    TestStack.register(pool, cam);
    TestStack.insert(pool, segs);
    env.upload(segs);
    return segs;
  }

  private static String range(List<Seg> segs) {
    return "&start=" + segs.get(0).start().minusSeconds(1) + "&end=" + segs.get(2).start().plusSeconds(4);
  }

  private static JsonObject awaitUsage(int port, String cam, java.util.function.Predicate<JsonObject> done) {
    return Await.until("usage of " + cam, DEADLINE, () -> {
      HttpResponse<Buffer> r = get(port, "/api/v1/cameras/" + cam + "/usage");
      assertEquals(200, r.statusCode(), r.bodyAsString());
      return r.bodyAsJsonObject();
    }, done);
  }

  private static HttpResponse<Buffer> get(int port, String path) {
    return await(client.get(port, "127.0.0.1", path).bearerTokenAuthentication(token).send());
  }

  private static List<String> uris(String playlist) {
    return Arrays.stream(playlist.split("\n")).filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
  }
}
