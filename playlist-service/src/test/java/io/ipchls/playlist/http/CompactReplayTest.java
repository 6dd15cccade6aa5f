package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static io.ipchls.playlist.TestStack.contiguous;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.db.Database;
import io.ipchls.playlist.PlaylistConfig.SegmentAccess;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.ipchls.protocol.ObjectKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Compact replays (issue 18 item 2): a 24 h replay is at most 100 KB on the wire, with gzip and short segment links
 * that this service resolves; a short link opens exactly its own camera's indexed segment (the right bytes, through a
 * fresh presigned redirect or the proxy) and nothing else; the seed's form stays available with {@code links=full}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class CompactReplayTest {
  static final int DAY_SEGMENTS = 24 * 3600 / 3;
  static final int MAX_DAY_BYTES = 100_000;
  private static final String RANGE = "&start=2025-03-01%2010:00:00&end=2025-03-01%2011:00:00";
  private static final TestStack env = new TestStack();
  private static Pool pool;
  private static WebClient client;
  private static int presigned;
  private static int proxy;
  private static int lastMonth;
  private static Vertx vertx;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    env.migrateIngest(v);
    pool = Database.pool(v, env.db());
    var p = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24));
    var x = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24, SegmentAccess.PROXY, /* open= */ false));
    // the same service a month ago: its links have long expired now
    var old = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24),
        Clock.fixed(Instant.now().minus(Duration.ofDays(30)), ZoneOffset.UTC));
    await(v.deployVerticle(p));
    await(v.deployVerticle(x));
    await(v.deployVerticle(old));
    presigned = p.port();
    proxy = x.port();
    lastMonth = old.port();
    client = WebClient.create(v, new WebClientOptions().setFollowRedirects(false).setDecompressionSupported(false));
  }

  @Test
  void dayOfReplay_isAtMost100KBOnTheWire_andListsEverySegment() {
    String cam = TestStack.camera("day");
    Instant day = Instant.parse("2025-03-02T00:00:00Z");
    List<Seg> segs = new ArrayList<>();
    for (int i = 0; i < DAY_SEGMENTS; i++) {
      Instant t = day.plusMillis(3000L * i);
      segs.add(new Seg(cam, t, 3000, ObjectKeys.segmentKey(cam, t, i), new byte[188]));
    }
    TestStack.register(pool, cam);
    for (int i = 0; i < segs.size(); i += 2000) {
      TestStack.insert(pool, segs.subList(i, Math.min(segs.size(), i + 2000)));
    }
    // a busy camera: an event every 20 s all day (4320); the playlist carries the first MAX_PLAYLIST_EVENTS of them
    TestStack.await(pool.preparedQuery("INSERT INTO ingest.events (camera_id, event_id, type, label, start_at, end_at,"
        + " source) SELECT $1, 'motion-' || i, 'motion', 'Zone ' || (i % 7), $2 + i * interval '20 seconds', "
        + "$2 + i * interval '20 seconds' + interval '4 seconds', 'mqtt' FROM generate_series(0, 4319) i")
        .execute(io.vertx.sqlclient.Tuple.of(cam, day.atOffset(ZoneOffset.UTC))));
    String path = "/replay.m3u8?camera_id=" + cam + "&start=2025-03-02T00:00:00Z&end=2025-03-03T00:00:00Z&token="
        + TestStack.token(vertx, cam);

    HttpResponse<Buffer> compact = send(presigned, HttpMethod.GET, path, "gzip, deflate, br");
    assertEquals(200, compact.statusCode());
    assertEquals("gzip", compact.getHeader("content-encoding"));
    assertTrue(compact.headers().getAll("vary").contains("Accept-Encoding"), compact.headers().toString());
    int wire = compact.body().length();
    assertTrue(wire <= MAX_DAY_BYTES, "24 h replay is " + wire + " bytes on the wire");
    assertEquals(Integer.toString(wire), compact.getHeader("content-length"));
    List<String> links = segmentLines(gunzip(compact.body()));
    assertEquals(DAY_SEGMENTS, links.size());
    assertEquals(EventHandlers.MAX_PLAYLIST_EVENTS,
        gunzip(compact.body()).lines().filter(l -> l.startsWith("#EXT-X-DATERANGE:")).count());
    assertTrue(links.stream().allMatch(l -> l.startsWith("s/" + cam + "/")), links.get(0));

    HttpResponse<Buffer> seed = send(presigned, HttpMethod.GET, path + "&links=full", null);
    assertEquals(null, seed.getHeader("content-encoding"));
    List<String> urls = segmentLines(seed.bodyAsString());
    assertEquals(DAY_SEGMENTS, urls.size());
    assertTrue(urls.stream().allMatch(l -> l.startsWith("http") && l.contains("X-Amz-Signature=")), urls.get(0));
    System.out.printf("24 h replay, %d segments: %,d bytes gzipped with short links, %,d bytes in the seed's form"
        + " (%.0fx)%n", DAY_SEGMENTS, wire, seed.body().length(), seed.body().length() / (double) wire);
  }

  @Test
  void shortLink_redirectsToAFreshPresignedUrl_ofThatSegmentsBytes() {
    String cam = TestStack.camera("short");
    List<Seg> segs = stored(cam);
    List<String> links = replayLinks(presigned, cam, TestStack.token(vertx, cam));
    assertEquals(segs.size(), links.size());
    for (int i = 0; i < segs.size(); i++) {
      HttpResponse<Buffer> redirect = send(presigned, HttpMethod.GET, "/" + links.get(i), null);
      assertEquals(302, redirect.statusCode(), redirect.bodyAsString());
      assertEquals("no-store", redirect.getHeader("cache-control"));
      String location = redirect.getHeader("location");
      assertTrue(location.contains(segs.get(i).key()) && location.contains("X-Amz-Signature="), location);
      HttpResponse<Buffer> object = await(client.getAbs(location).send());
      assertEquals(200, object.statusCode(), object.bodyAsString());
      assertArrayEquals(segs.get(i).bytes(), object.body().getBytes());
      HttpResponse<Buffer> head = send(presigned, HttpMethod.HEAD, "/" + links.get(i), null);
      assertEquals(302, head.statusCode());
    }
  }

  @Test
  void shortLink_inProxyMode_streamsThatSegmentsBytes() {
    String cam = TestStack.camera("short-proxy");
    List<Seg> segs = stored(cam);
    List<String> links = replayLinks(proxy, cam, TestStack.token(vertx, cam));
    for (int i = 0; i < segs.size(); i++) {
      HttpResponse<Buffer> r = send(proxy, HttpMethod.GET, "/" + links.get(i), null);
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertEquals("video/mp2t", r.getHeader("content-type"));
      assertArrayEquals(segs.get(i).bytes(), r.body().getBytes());
    }
  }

  @Test
  void shortLink_opensNothingButItsOwnCamerasSegmentsInItsRange() {
    String cam = TestStack.camera("short-mine");
    String other = TestStack.camera("short-other");
    stored(cam);
    stored(other); // recorded at the very same times, so only the grant keeps them apart
    String link = replayLinks(presigned, cam, TestStack.token(vertx, cam)).get(1);
    String[] p = link.split("/"); // s, camera, grant, file
    expect(403, "invalid_link", "/s/" + other + "/" + p[2] + "/" + p[3]);
    String mac = p[2].substring(p[2].lastIndexOf('.') + 1);
    String flipped = (mac.charAt(0) == 'A' ? 'B' : 'A') + mac.substring(1);
    expect(403, "invalid_link", "/s/" + cam + "/" + p[2].replace(mac, flipped) + "/" + p[3]);
    String[] g = p[2].split("\\.");
    String widened = g[0] + "." + (Long.parseLong(g[1]) + 86_400_000L) + "." + g[2] + "." + g[3];
    expect(403, "invalid_link", "/s/" + cam + "/" + widened + "/" + p[3]);
    String later = g[0] + "." + g[1] + "." + (Long.parseLong(g[2]) + 86_400) + "." + g[3];
    expect(403, "invalid_link", "/s/" + cam + "/" + later + "/" + p[3]);
    expect(403, "invalid_link", "/s/" + cam + "/not-a-grant/" + p[3]);
    expect(404, "not_found", "/s/" + cam + "/" + p[2] + "/1500.ts"); // inside the range, no segment starts there
    expect(404, "not_found", "/s/" + cam + "/" + p[2] + "/99999999.ts"); // outside the range
    expect(404, "not_found", "/s/" + cam + "/" + p[2] + "/..%2F..%2Fsecrets.json");
    expect(400, "invalid_camera_id", "/s/Not%20A%20Camera/" + p[2] + "/" + p[3]);
  }

  @Test
  void shortLink_pastItsExpiry_is403_andAskForANewPlaylist() {
    String cam = TestStack.camera("short-old");
    stored(cam);
    String link = replayLinks(lastMonth, cam, TestStack.token(vertx, cam)).get(0);
    JsonObject error = expect(403, "link_expired", "/" + link);
    assertTrue(error.getString("message").contains("load the playlist again"), error.encode());
  }

  @Test
  void linksFull_isTheSeedsForm_andOtherValuesAre400() {
    String cam = TestStack.camera("short-full");
    List<Seg> segs = stored(cam);
    String token = TestStack.token(vertx, cam);
    List<String> urls = segmentLines(send(presigned, HttpMethod.GET, "/replay.m3u8?camera_id=" + cam + RANGE
        + "&links=full&token=" + token, null).bodyAsString());
    assertEquals(segs.size(), urls.size());
    for (int i = 0; i < segs.size(); i++) {
      HttpResponse<Buffer> object = await(client.getAbs(urls.get(i)).send());
      assertArrayEquals(segs.get(i).bytes(), object.body().getBytes());
    }
    HttpResponse<Buffer> bad = send(presigned, HttpMethod.GET, "/replay.m3u8?camera_id=" + cam + RANGE
        + "&links=tiny&token=" + token, null);
    assertEquals(400, bad.statusCode());
    assertEquals("invalid_links", bad.bodyAsJsonObject().getString("error"));
  }

  @Test
  void gzip_onlyForClientsThatAcceptIt_andHeadStatesTheSameEncodingAndLength() {
    String cam = TestStack.camera("short-gzip");
    TestStack.register(pool, cam);
    TestStack.insert(pool, contiguous(cam, Instant.parse("2025-03-01T10:00:00Z"),
        java.util.stream.IntStream.generate(() -> 3000).limit(100).toArray()));
    String path = "/replay.m3u8?camera_id=" + cam + RANGE + "&token=" + TestStack.token(vertx, cam);
    // the instance with a fixed clock: the same grant (expiry) in every answer, so the bytes compare exactly
    HttpResponse<Buffer> plain = send(lastMonth, HttpMethod.GET, path, null);
    assertEquals(null, plain.getHeader("content-encoding"));
    assertTrue(plain.bodyAsString().startsWith("#EXTM3U"));
    assertEquals(null, send(lastMonth, HttpMethod.GET, path, "gzip;q=0, identity").getHeader("content-encoding"));
    HttpResponse<Buffer> gzipped = send(lastMonth, HttpMethod.GET, path, "gzip");
    assertEquals("gzip", gzipped.getHeader("content-encoding"));
    assertEquals(plain.bodyAsString(), gunzip(gzipped.body()));
    HttpResponse<Buffer> head = send(lastMonth, HttpMethod.HEAD, path, "gzip");
    assertEquals("gzip", head.getHeader("content-encoding"));
    assertEquals(gzipped.getHeader("content-length"), head.getHeader("content-length"));
  }

  /** Three stored segments of the camera from 10:00, registered and uploaded. */
  private static List<Seg> stored(String cam) {
    List<Seg> segs = contiguous(cam, Instant.parse("2025-03-01T10:00:00Z"), 3000, 3000, 3000);
    TestStack.register(pool, cam);
    TestStack.insert(pool, segs);
    env.upload(segs);
    return segs;
  }

  /** The replay's segment links, resolved against the playlist's URL to paths on the service. */
  private static List<String> replayLinks(int port, String cam, String token) {
    HttpResponse<Buffer> r = send(port, HttpMethod.GET, "/replay.m3u8?camera_id=" + cam + RANGE + "&token=" + token,
        null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    URI playlist = URI.create("http://127.0.0.1:" + port + "/replay.m3u8");
    List<String> out = new ArrayList<>();
    for (String line : segmentLines(r.bodyAsString())) {
      assertTrue(line.startsWith("s/" + cam + "/") && line.endsWith(".ts"), line);
      out.add(playlist.resolve(line).getRawPath().substring(1));
    }
    return out;
  }

  private static JsonObject expect(int status, String code, String path) {
    HttpResponse<Buffer> r = send(presigned, HttpMethod.GET, path, null);
    assertEquals(status, r.statusCode(), path + ": " + r.bodyAsString());
    assertEquals("application/json", r.getHeader("content-type"), path);
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(code, body.getString("error"), path + ": " + body.encode());
    return body;
  }

  private static HttpResponse<Buffer> send(int port, HttpMethod method, String path, String acceptEncoding) {
    HttpRequest<Buffer> r = client.request(method, port, "127.0.0.1", path);
    if (acceptEncoding != null) r.putHeader("Accept-Encoding", acceptEncoding);
    return await(r.send());
  }

  private static List<String> segmentLines(String playlist) {
    return playlist.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static String gunzip(Buffer body) {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(body.getBytes()))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
