package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.TestTools;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.MediaSamples;
import io.ipchls.playlist.MediaSamples.Kind;
import io.ipchls.playlist.MediaSamples.Recorded;
import io.ipchls.playlist.MediaSamples.Sample;
import io.ipchls.playlist.PlaylistConfig.SegmentAccess;
import io.ipchls.playlist.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16 item 3: media playlists declare the least EXT-X-VERSION their tags need (RFC 8216 §7: 3 for MPEG-TS, 6 once
 * an EXT-X-MAP appears) and name each fMP4 segment's init segment with EXT-X-MAP, authorized like the segments
 * (presigned, short link, proxy); a codec or resolution change inside a range is a discontinuity with a new map; the
 * multivariant playlist describes the camera from the index. Segments are real ffmpeg output, so ffmpeg reading a
 * replay over HTTP with {@code -xerror} is the independent check.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, timeUnit = TimeUnit.SECONDS)
class MediaPlaylistTest {
  private static final TestStack env = new TestStack();
  private static Pool pool;
  private static WebClient client;
  private static String token;
  private static int presigned;
  private static int proxy;
  private static Vertx vertx;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
    var p = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24));
    var x = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24, SegmentAccess.PROXY, /* open= */ false));
    await(vertx.deployVerticle(p));
    await(vertx.deployVerticle(x));
    presigned = p.port();
    proxy = x.port();
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    token = TestStack.token(vertx, "*");
  }

  /** The sample recorded by a fresh camera, starting {@code ageSeconds} ago. */
  private static Recorded recorded(String name, Kind kind, long ageSeconds) {
    String camera = TestStack.camera(name);
    TestStack.register(pool, camera);
    Instant start = Instant.now().minusSeconds(ageSeconds).truncatedTo(ChronoUnit.MILLIS);
    return MediaSamples.record(env, pool, camera, MediaSamples.of(kind), start, /* firstSeq= */ 1);
  }

  private static String range(Recorded r) {
    Instant start = r.rows().get(0).startAt().toInstant();
    Instant end = r.rows().get(r.rows().size() - 1).startAt().toInstant().plusSeconds(10);
    return "camera_id=" + r.camera() + "&start=" + enc(start.toString()) + "&end=" + enc(end.toString());
  }

  private static HttpResponse<Buffer> get(int port, String path) {
    return await(client.get(port, "127.0.0.1", path).bearerTokenAuthentication(token).send());
  }

  /** A link from a playlist served on {@code port}, followed as a player would (redirects, no token header). */
  private static HttpResponse<Buffer> open(int port, String link) {
    String url = URI.create("http://127.0.0.1:" + port + "/").resolve(link).toString();
    HttpResponse<Buffer> r = await(client.getAbs(url).send());
    if (r.statusCode() == 302) r = await(client.getAbs(r.getHeader("location")).send());
    return r;
  }

  private static String playlist(int port, String path) {
    HttpResponse<Buffer> r = get(port, path);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(PlaylistHandlers.MPEGURL, r.getHeader("content-type"));
    return r.bodyAsString();
  }

  private static List<String> lines(String text) {
    return List.of(text.split("\n"));
  }

  /** The URI lines (segments) in order. */
  private static List<String> segmentLinks(String text) {
    return lines(text).stream().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static final Pattern MAP = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");

  private static List<String> mapLinks(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = MAP.matcher(text);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  @Test
  void tsCamera_replayAndLive_stayVersion3_withoutMap() {
    Recorded r = recorded("media-ts", Kind.TS_H264_AAC, 30);
    for (String text : List.of(playlist(presigned, "/replay.m3u8?" + range(r)),
        playlist(presigned, "/playlist.m3u8?camera_id=" + r.camera()))) {
      assertTrue(text.startsWith("#EXTM3U\n#EXT-X-VERSION:3\n"), text);
      assertFalse(text.contains("#EXT-X-MAP"), text);
      assertEquals(MediaSamples.SEGMENTS, segmentLinks(text).size(), text);
    }
  }

  @Test
  void fmp4Camera_replay_isVersion6_withTheMapBeforeTheFirstSegment_openingTheInitSegment() {
    Recorded r = recorded("media-fmp4", Kind.FMP4_H264_AAC, 30);
    Sample sample = MediaSamples.of(Kind.FMP4_H264_AAC);
    String text = playlist(presigned, "/replay.m3u8?" + range(r));
    assertTrue(text.startsWith("#EXTM3U\n#EXT-X-VERSION:6\n"), text);
    List<String> lines = lines(text);
    int map = lines.indexOf(lines.stream().filter(l -> l.startsWith("#EXT-X-MAP:")).findFirst().orElseThrow());
    int firstSegment = lines.indexOf(lines.stream().filter(l -> l.startsWith("#EXTINF:")).findFirst().orElseThrow());
    assertTrue(map < firstSegment, "the map precedes the first segment\n" + text);
    List<String> maps = mapLinks(text);
    assertEquals(1, maps.size(), "one init segment, one map\n" + text);
    // short links: the init segment's is its first segment's, named .mp4; the segments' are .m4s
    List<String> segments = segmentLinks(text);
    assertTrue(maps.get(0).startsWith("s/" + r.camera() + "/") && maps.get(0).endsWith("/0.mp4"), maps.get(0));
    assertTrue(segments.stream().allMatch(s -> s.endsWith(".m4s")), segments.toString());
    HttpResponse<Buffer> init = open(presigned, maps.get(0));
    assertEquals(200, init.statusCode());
    assertArrayEquals(sample.init(), init.body().getBytes(), "the map opens the init segment");
    assertArrayEquals(sample.segments().get(1), open(presigned, segments.get(1)).body().getBytes());
  }

  @Test
  void fmp4Camera_fullLinks_mapIsPresignedLikeTheSegments() {
    Recorded r = recorded("media-full", Kind.FMP4_H264_AAC, 30);
    String text = playlist(presigned, "/replay.m3u8?" + range(r) + "&links=full");
    String map = mapLinks(text).get(0);
    assertTrue(map.contains(r.initKey()) && map.contains("X-Amz-Signature="), map);
    assertArrayEquals(MediaSamples.of(Kind.FMP4_H264_AAC).init(), open(presigned, map).body().getBytes());
  }

  @Test
  void fmp4Camera_live_listsTheMap() {
    Recorded r = recorded("media-live", Kind.FMP4_H264_FLAC, 20);
    String text = playlist(presigned, "/playlist.m3u8?camera_id=" + r.camera());
    assertTrue(text.startsWith("#EXTM3U\n#EXT-X-VERSION:6\n"), text);
    List<String> maps = mapLinks(text);
    assertEquals(1, maps.size(), text);
    assertTrue(text.indexOf("#EXT-X-MAP:") < text.indexOf("#EXTINF:"), text);
    assertArrayEquals(MediaSamples.of(Kind.FMP4_H264_FLAC).init(), open(presigned, maps.get(0)).body().getBytes());
  }

  @Test
  void liveWindowMovedByIngestsEvents_showsTheNewInitAfterADiscontinuity() {
    String camera = TestStack.camera("media-liveevt");
    TestStack.register(pool, camera);
    Sample h264 = MediaSamples.of(Kind.FMP4_H264_AAC);
    Sample hevc = MediaSamples.of(Kind.FMP4_HEVC_AAC);
    Instant t0 = Instant.now().minusSeconds(15).truncatedTo(ChronoUnit.MILLIS);
    MediaSamples.record(env, pool, camera, h264, t0, 1);
    assertEquals(1, mapLinks(playlist(presigned, "/playlist.m3u8?camera_id=" + camera)).size()); // window open
    // the camera switches codec; ingest's event (not a query) moves the window
    Recorded next = MediaSamples.record(env, pool, camera, hevc, MediaSamples.end(h264, t0), 1 + MediaSamples.SEGMENTS);
    assertTrue(next.indexed().stream().allMatch(e -> next.initKey().equals(e.init())), next.indexed().toString());
    TestStack.announce(vertx, next.indexed());
    String text = io.ipchls.infra.Await.until("the live window takes the H.265 segments", java.time.Duration.ofSeconds(30),
        () -> playlist(presigned, "/playlist.m3u8?camera_id=" + camera), t -> mapLinks(t).size() == 2);
    List<String> lines = lines(text);
    int discontinuity = lines.indexOf("#EXT-X-DISCONTINUITY");
    assertTrue(discontinuity > 0 && lines.get(discontinuity + 1).startsWith("#EXT-X-MAP:"), text);
    assertArrayEquals(hevc.init(), open(presigned, mapLinks(text).get(1)).body().getBytes());
  }

  @Test
  void codecChangeInsideTheRange_isADiscontinuityWithANewMap() {
    String camera = TestStack.camera("media-change");
    TestStack.register(pool, camera);
    Instant t0 = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    Sample h264 = MediaSamples.of(Kind.FMP4_H264_AAC);
    Sample hevc = MediaSamples.of(Kind.FMP4_HEVC_AAC);
    // the camera switches to H.265 right after its last H.264 segment, without restarting: only the media changes
    Recorded first = MediaSamples.record(env, pool, camera, h264, t0, 1);
    Recorded second = MediaSamples.record(env, pool, camera, hevc, MediaSamples.end(h264, t0), 1 + MediaSamples.SEGMENTS);
    String range = "camera_id=" + camera + "&start=" + enc(t0.toString()) + "&end="
        + enc(MediaSamples.end(hevc, MediaSamples.end(h264, t0)).toString());
    for (String text : List.of(playlist(presigned, "/replay.m3u8?" + range),
        playlist(presigned, "/replay.m3u8?" + range + "&links=full"))) {
      List<String> lines = lines(text);
      assertEquals(1, lines.stream().filter(l -> l.equals("#EXT-X-DISCONTINUITY")).count(), text);
      int discontinuity = lines.indexOf("#EXT-X-DISCONTINUITY");
      assertTrue(lines.get(discontinuity + 1).startsWith("#EXT-X-MAP:"), "a new map follows it\n" + text);
      assertEquals(MediaSamples.SEGMENTS, lines.subList(0, discontinuity).stream()
          .filter(l -> l.startsWith("#EXTINF:")).count(), "after the last H.264 segment\n" + text);
      List<String> maps = mapLinks(text);
      assertEquals(2, maps.size(), text);
      assertArrayEquals(h264.init(), open(presigned, maps.get(0)).body().getBytes());
      assertArrayEquals(hevc.init(), open(presigned, maps.get(1)).body().getBytes());
    }
    assertFalse(first.initKey().equals(second.initKey()));
  }

  @Test
  void proxyMode_mapStreamsTheInitSegment_andOnlyTheOneItsSegmentNeeds() {
    Recorded r = recorded("media-proxy", Kind.FMP4_H264_AAC, 30);
    String text = playlist(proxy, "/replay.m3u8?" + range(r) + "&links=full");
    String map = mapLinks(text).get(0);
    assertTrue(map.startsWith("inits/" + r.camera() + "/"), map);
    HttpResponse<Buffer> init = open(proxy, map);
    assertEquals(200, init.statusCode());
    assertEquals("video/mp4", init.getHeader("content-type"));
    assertArrayEquals(MediaSamples.of(Kind.FMP4_H264_AAC).init(), init.body().getBytes());
    // the same path naming the segment itself instead of its init segment opens nothing
    String segmentKey = r.rows().get(0).objectKey();
    String forged = "inits/" + r.camera() + "/" + r.rows().get(0).startAt().toInstant().toEpochMilli() + "/"
        + segmentKey + "?token=" + enc(token);
    assertEquals(404, open(proxy, forged).statusCode());
  }

  @Test
  void multivariant_replay_describesCodecsResolutionFrameRateAndBitRates() {
    Recorded r = recorded("media-mv", Kind.FMP4_H264_AAC, 30);
    Sample sample = MediaSamples.of(Kind.FMP4_H264_AAC);
    long peak = 0;
    long bytes = 0;
    long ms = 0;
    for (int i = 0; i < sample.segments().size(); i++) {
      long b = sample.segments().get(i).length;
      int d = sample.durationsMs().get(i);
      peak = Math.max(peak, b * 8000 / d);
      bytes += b;
      ms += d;
    }
    String text = playlist(presigned, "/multivariant.m3u8?" + range(r));
    List<String> lines = lines(text);
    assertEquals("#EXTM3U", lines.get(0));
    assertEquals("#EXT-X-STREAM-INF:BANDWIDTH=" + peak + ",AVERAGE-BANDWIDTH=" + (bytes * 8000 / ms) + ",CODECS=\""
        + sample.codecs() + "\",RESOLUTION=320x240,FRAME-RATE=25.000", lines.get(1), text);
    assertTrue(sample.codecs().matches("avc1\\.[0-9a-f]{6},mp4a\\.40\\.2"), sample.codecs());
    assertEquals("replay.m3u8?" + range(r), lines.get(2));
    // the variant is the replay itself
    String media = playlist(presigned, "/" + lines.get(2));
    assertEquals(MediaSamples.SEGMENTS, segmentLinks(media).size(), media);
  }

  @Test
  void multivariant_live_pointsAtTheLivePlaylist_carryingAQueryToken() {
    Recorded r = recorded("media-mvlive", Kind.FMP4_H264_FLAC, 20);
    HttpResponse<Buffer> resp = await(client.get(presigned, "127.0.0.1",
        "/multivariant.m3u8?camera_id=" + r.camera() + "&token=" + enc(token)).send());
    assertEquals(200, resp.statusCode(), resp.bodyAsString());
    List<String> lines = lines(resp.bodyAsString());
    assertTrue(lines.get(1).contains(",CODECS=\"" + MediaSamples.of(Kind.FMP4_H264_FLAC).codecs() + "\""),
        lines.get(1));
    assertTrue(lines.get(1).contains(",CODECS=\"avc1.") && lines.get(1).contains(",fLaC\""), lines.get(1));
    assertEquals("playlist.m3u8?camera_id=" + r.camera() + "&token=" + enc(token), lines.get(2));
    // a player without headers follows it
    HttpResponse<Buffer> live = open(presigned, lines.get(2));
    assertEquals(200, live.statusCode(), live.bodyAsString());
    assertTrue(live.bodyAsString().contains("#EXT-X-MAP:URI="), live.bodyAsString());
  }

  @Test
  void multivariant_headerToken_isNotCopiedIntoTheVariantLink() {
    Recorded r = recorded("media-mvhdr", Kind.TS_H264_AAC, 20);
    String text = playlist(presigned, "/multivariant.m3u8?camera_id=" + r.camera());
    assertEquals("playlist.m3u8?camera_id=" + r.camera(), lines(text).get(2));
  }

  @Test
  void multivariant_unknownCamera_is404() {
    HttpResponse<Buffer> r = get(presigned, "/multivariant.m3u8?camera_id=" + TestStack.camera("nobody"));
    assertEquals(404, r.statusCode());
    assertEquals("unknown_camera", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }

  @Test
  void multivariant_linksWithoutARange_is400() {
    HttpResponse<Buffer> r = get(presigned, "/multivariant.m3u8?camera_id=cam-1&links=full");
    assertEquals(400, r.statusCode());
    assertEquals("invalid_links", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }

  @Test
  void ffmpegReadsTheReplaysOverHttp_bothContainers_everyFrame() throws Exception {
    for (Kind kind : List.of(Kind.TS_H264_AAC, Kind.FMP4_H264_AAC)) {
      Recorded r = recorded("media-ffmpeg", kind, 30);
      for (int port : List.of(presigned, proxy)) {
        String url = "http://127.0.0.1:" + port + "/replay.m3u8?" + range(r) + "&token=" + enc(token);
        // (short links redirect to the store, another host: ffmpeg's HLS reader must not keep one connection)
        Process p = new ProcessBuilder(TestTools.require("ffmpeg").toString(), "-v", "error", "-xerror",
            "-http_persistent", "0", "-i", url, "-map", "0:v", "-f", "framemd5", "-").start();
        String frames = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ffmpeg finished");
        assertEquals(0, p.exitValue(), kind + " on port " + port + ": " + errors);
        assertEquals("", errors.strip(), kind + ": " + errors);
        long decoded = frames.lines().filter(l -> !l.startsWith("#")).count();
        assertEquals(MediaSamples.SEGMENTS * 2L * MediaSamples.FPS, decoded, kind + " on port " + port);
      }
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
