package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static io.ipchls.playlist.TestStack.contiguous;
import static io.ipchls.playlist.http.ViewerAccessTest.expectError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.db.Database;
import io.ipchls.playlist.PlaylistConfig.SegmentAccess;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proxy mode: playlists link to this service, which streams indexed segments of the token's cameras only. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class SegmentProxyTest {
  private static final String RANGE = "&start=2025-03-01%2010:00:00&end=2025-03-01%2011:00:00";
  private static final TestStack env = new TestStack();
  private static Pool pool;
  private static WebClient client;
  private static int port;
  private static Vertx vertx;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    env.migrateIngest(v);
    pool = Database.pool(v, env.db());
    var verticle =
        new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24, SegmentAccess.PROXY, /* open= */ false));
    await(v.deployVerticle(verticle));
    port = verticle.port();
    client = WebClient.create(v);
  }

  private static List<Seg> stored(String cam) {
    List<Seg> segs = contiguous(cam, Instant.parse("2025-03-01T10:00:00Z"), 3000, 3000, 3000);
    TestStack.register(pool, cam);
    TestStack.insert(pool, segs);
    env.upload(segs);
    return segs;
  }

  @Test
  void replay_linksThroughThisService_andServesExactBytes() {
    String cam = TestStack.camera("proxy");
    List<Seg> segs = stored(cam);
    String token = TestStack.token(vertx, cam);
    List<String> uris = uris(get("/replay.m3u8?camera_id=" + cam + RANGE + "&links=full&token=" + token).bodyAsString());
    assertEquals(3, uris.size());
    URI base = URI.create("http://127.0.0.1:" + port + "/replay.m3u8");
    for (int i = 0; i < segs.size(); i++) {
      assertTrue(uris.get(i).startsWith("segments/" + cam + "/"), uris.get(i));
      HttpResponse<Buffer> r = get(base.resolve(uris.get(i)).toString().substring(("http://127.0.0.1:" + port).length()));
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertEquals("video/mp2t", r.getHeader("content-type"));
      assertArrayEquals(segs.get(i).bytes(), r.body().getBytes());
    }
  }

  @Test
  void segmentOfCameraTheTokenDoesNotCover_is403() {
    String cam = TestStack.camera("proxy-own");
    String other = TestStack.camera("proxy-other");
    Seg seg = stored(other).get(0);
    String path = "/segments/" + other + "/" + seg.start().toEpochMilli() + "/" + seg.key() + "?token="
        + TestStack.token(vertx, cam);
    expectError(get(path), 403, "forbidden");
  }

  @Test
  void keyNotInTheIndex_is404_evenUnderTheCamerasPrefix() {
    String cam = TestStack.camera("proxy-404");
    Seg seg = stored(cam).get(0);
    String path = "/segments/" + cam + "/" + seg.start().toEpochMilli() + "/" + cam + "/secret.ts?token="
        + TestStack.token(vertx, cam);
    expectError(get(path), 404, "not_found");
  }

  @Test
  void pathTraversalInKey_is404_neverAnotherObject() {
    String cam = TestStack.camera("proxy-trav");
    String other = TestStack.camera("proxy-victim");
    Seg seg = stored(cam).get(0);
    Seg victim = stored(other).get(0);
    String path = "/segments/" + cam + "/" + seg.start().toEpochMilli() + "/" + cam + "/..%2F..%2F" + victim.key()
        + "?token=" + TestStack.token(vertx, cam);
    HttpResponse<Buffer> r = get(path);
    assertTrue(r.statusCode() == 404 || r.statusCode() == 400, r.statusCode() + " " + r.bodyAsString());
    assertEquals("application/json", r.getHeader("content-type"));
  }

  @Test
  void startNotEpochMillis_is400() {
    String cam = TestStack.camera("proxy-start");
    expectError(get("/segments/" + cam + "/yesterday/" + cam + "/a.ts?token=" + TestStack.token(vertx, cam)),
        400, "invalid_segment");
  }

  @Test
  void indexedButMissingFromTheStore_is404() {
    String cam = TestStack.camera("proxy-gone");
    List<Seg> segs = contiguous(cam, Instant.parse("2025-03-01T10:00:00Z"), 3000);
    TestStack.register(pool, cam);
    TestStack.insert(pool, segs); // never uploaded
    String path = "/segments/" + cam + "/" + segs.get(0).start().toEpochMilli() + "/" + segs.get(0).key() + "?token="
        + TestStack.token(vertx, cam);
    expectError(get(path), 404, "not_found");
  }

  private static HttpResponse<Buffer> get(String uri) {
    return await(client.get(port, "127.0.0.1", uri).send());
  }

  private static List<String> uris(String text) {
    return text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }
}
