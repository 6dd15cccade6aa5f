package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.contiguous;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class PlaylistHttpTest {
  private static final Instant BASE = Instant.parse("2025-03-01T10:00:00Z");
  private static final DateTimeFormatter PDT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
  private static final TestStack env = new TestStack();
  /** Generous: the event bus delivers in milliseconds, but the machine may be busy. */
  private static final java.time.Duration SOON = java.time.Duration.ofSeconds(20);
  private static PlaylistUnderTest app;
  private static Vertx eventBus;

  @BeforeAll
  static void start(Vertx vertx) {
    app = PlaylistUnderTest.start(vertx, env);
    eventBus = vertx;
  }

  @Test
  void live_recentSegments_listsNewestWindowWithMediaSequence() {
    String cam = TestStack.camera("live");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    TestStack.insert(app.pool(), contiguous(cam, now.minusSeconds(600), 3000, 3000)); // older than the look-back
    List<Seg> recent = contiguous(cam, now.minusSeconds(30), 3000, 3000, 3000, 3000, 3000, 3000, 3000, 3000);
    TestStack.insert(app.pool(), recent);

    HttpResponse<Buffer> r = get("/playlist.m3u8?camera_id=" + cam);
    assertEquals(200, r.statusCode());
    assertEquals("application/vnd.apple.mpegurl", r.getHeader("content-type"));
    assertEquals("no-cache", r.getHeader("cache-control"));
    String text = r.bodyAsString();
    assertTrue(text.startsWith("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:4\n"
        + "#EXT-X-DISCONTINUITY-SEQUENCE:1\n"), text); // the gap after the two old segments slid out
    assertEquals(List.of("#EXT-X-PROGRAM-DATE-TIME:" + PDT.format(recent.get(2).start())), lines(text, "#EXT-X-PROGRAM-DATE-TIME"));
    assertEquals(keys(recent.subList(2, 8)), objectKeys(text));
    assertFalse(text.contains("#EXT-X-ENDLIST"), text);
    assertFalse(text.contains("#EXT-X-PLAYLIST-TYPE"), text);
  }

  @Test
  void live_announcedSegment_movesMediaSequenceForward() {
    String cam = TestStack.camera("live-seq");
    Instant start = Instant.now().minusSeconds(40);
    List<Seg> all = contiguous(cam, start, 3000, 3000, 3000, 3000, 3000, 3000, 3000, 3000);
    TestStack.insert(app.pool(), all.subList(0, 7));
    assertTrue(get("/playlist.m3u8?camera_id=" + cam).bodyAsString().contains("#EXT-X-MEDIA-SEQUENCE:1\n"));

    TestStack.announce(eventBus, TestStack.insert(app.pool(), all.subList(7, 8)));
    String text = Await.until("the announced segment is live", SOON, () -> get("/playlist.m3u8?camera_id=" + cam)
        .bodyAsString(), t -> t.contains(all.get(7).key()));
    assertTrue(text.contains("#EXT-X-MEDIA-SEQUENCE:2\n"), text);
    assertEquals(keys(all.subList(2, 8)), objectKeys(text));
  }

  @Test
  void live_rowWithoutEvent_staysOutUntilIngestAnnouncesIt() {
    String cam = TestStack.camera("live-event");
    List<Seg> all = contiguous(cam, Instant.now().minusSeconds(20), 3000, 3000, 3000);
    TestStack.insert(app.pool(), all.subList(0, 2));
    assertEquals(keys(all.subList(0, 2)), objectKeys(get("/playlist.m3u8?camera_id=" + cam).bodyAsString()));

    // committed, but not announced: requests do not query the index
    var committed = TestStack.insert(app.pool(), all.subList(2, 3));
    assertEquals(keys(all.subList(0, 2)), objectKeys(get("/playlist.m3u8?camera_id=" + cam).bodyAsString()));

    TestStack.announce(eventBus, committed);
    Await.until("the announced segment is live", SOON, () -> objectKeys(get("/playlist.m3u8?camera_id=" + cam)
        .bodyAsString()), keys(all)::equals);
  }

  @Test
  void live_announcedSegmentsCarryTheirOwnData_noRowNeeded() {
    String cam = TestStack.camera("live-nodb");
    List<Seg> all = app.openLiveWindow(cam);
    // the event alone moves the window
    TestStack.announce(eventBus, TestStack.numbered(all.subList(1, 3), /* firstSequence= */ 1, /* discontinuity= */ 0));
    Await.until("the announced segments are live", SOON, () -> objectKeys(get("/playlist.m3u8?camera_id=" + cam)
        .bodyAsString()), keys(all)::equals);
  }

  @Test
  void live_gapSlidingOutOfTheWindow_countsInDiscontinuitySequence() {
    String cam = TestStack.camera("live-disc");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<Seg> before = contiguous(cam, now.minusSeconds(60), 3000, 3000);
    List<Seg> after = contiguous(cam, now.minusSeconds(30), 3000, 3000, 3000, 3000, 3000, 3000);
    TestStack.insert(app.pool(), before);
    TestStack.insert(app.pool(), after.subList(0, 4));
    String first = get("/playlist.m3u8?camera_id=" + cam).bodyAsString();
    assertTrue(first.contains("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n"), first);
    assertEquals(1, first.lines().filter("#EXT-X-DISCONTINUITY"::equals).count(), first);

    TestStack.announce(eventBus, TestStack.insert(app.pool(), after.subList(4, 6)));
    String slid = Await.until("the window slid past the gap", SOON, () -> get("/playlist.m3u8?camera_id=" + cam)
        .bodyAsString(), t -> t.contains(after.get(5).key()));
    assertTrue(slid.contains("#EXT-X-MEDIA-SEQUENCE:2\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n"), slid);
    assertFalse(slid.contains("#EXT-X-DISCONTINUITY\n"), slid);
    assertEquals(keys(after), objectKeys(slid));
  }

  @Test
  void live_noRecentSegments_isEmptyLivePlaylistWhoseSequenceFollowsTheOldOnes() {
    String cam = TestStack.camera("live-idle");
    TestStack.insert(app.pool(), contiguous(cam, Instant.now().minusSeconds(3600), 3000, 3000));
    HttpResponse<Buffer> r = get("/playlist.m3u8?camera_id=" + cam);
    assertEquals(200, r.statusCode());
    assertEquals("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:2\n"
        + "#EXT-X-DISCONTINUITY-SEQUENCE:0\n", r.bodyAsString());
  }

  @Test
  void live_registeredCameraWithoutSegments_isEmptyLivePlaylist() {
    String cam = TestStack.camera("live-new");
    TestStack.register(app.pool(), cam);
    HttpResponse<Buffer> r = get("/playlist.m3u8?camera_id=" + cam);
    assertEquals(200, r.statusCode());
    assertTrue(r.bodyAsString().contains("#EXT-X-MEDIA-SEQUENCE:0\n"), r.bodyAsString());
  }

  @Test
  void live_unknownCamera_is404Json() {
    HttpResponse<Buffer> r = get("/playlist.m3u8?camera_id=" + TestStack.camera("nobody"));
    assertEquals(404, r.statusCode());
    assertEquals("unknown_camera", r.bodyAsJsonObject().getString("error"));
  }

  @Test
  void replay_unknownCamera_is404Json() {
    HttpResponse<Buffer> r = get(replay(TestStack.camera("nobody"), "2025-03-02%2010:00:00", "2025-03-02%2011:00:00"));
    assertEquals(404, r.statusCode());
    assertEquals("unknown_camera", r.bodyAsJsonObject().getString("error"));
  }

  @Test
  void replay_seedTimeFormat_listsRangeAsVodWithStoredDurations() {
    String cam = TestStack.camera("replay");
    List<Seg> segs = recordingWithGap(cam);
    HttpResponse<Buffer> r = get(replay(cam, "2025-03-01%2010:00:00", "2025-03-01%2010:10:00"));
    assertEquals(200, r.statusCode());
    assertEquals("application/vnd.apple.mpegurl", r.getHeader("content-type"));
    String text = r.bodyAsString();
    assertTrue(text.startsWith("""
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:4
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PLAYLIST-TYPE:VOD
        """), text);
    assertTrue(text.endsWith("#EXT-X-ENDLIST\n"), text);
    assertEquals(keys(segs), objectKeys(text));
    List<String> extinf = lines(text, "#EXTINF");
    assertEquals(segs.stream().map(s -> String.format("#EXTINF:%d.%03d,", s.durationMs() / 1000,
        s.durationMs() % 1000)).toList(), extinf);
    double total = extinf.stream().mapToDouble(l -> Double.parseDouble(l.substring(8, l.length() - 1))).sum();
    assertEquals(segs.stream().mapToInt(Seg::durationMs).sum(), Math.round(total * 1000));
  }

  @Test
  void replay_rangeAcrossGap_addsDiscontinuity() {
    String cam = TestStack.camera("replay-gap");
    List<Seg> segs = recordingWithGap(cam);
    String text = get(replay(cam, "2025-03-01%2010:00:00", "2025-03-01%2011:00:00")).bodyAsString();
    List<String> all = Arrays.asList(text.split("\n"));
    int discontinuity = all.indexOf("#EXT-X-DISCONTINUITY");
    assertEquals(discontinuity, all.lastIndexOf("#EXT-X-DISCONTINUITY"), "exactly one discontinuity");
    assertEquals("#EXT-X-PROGRAM-DATE-TIME:2025-03-01T10:01:00.000Z", all.get(discontinuity + 1));
    assertTrue(all.get(discontinuity + 3).contains(segs.get(5).key()), "discontinuity precedes the 6th segment");
    assertEquals(List.of("#EXT-X-PROGRAM-DATE-TIME:2025-03-01T10:00:00.000Z",
        "#EXT-X-PROGRAM-DATE-TIME:2025-03-01T10:01:00.000Z"), lines(text, "#EXT-X-PROGRAM-DATE-TIME"));
  }

  @Test
  void replay_isoTimesWithOffsets_listOverlappingSegments() {
    String cam = TestStack.camera("replay-iso");
    List<Seg> segs = recordingWithGap(cam);
    // [10:00:04Z, 10:00:08Z) overlaps the 2nd (3.000-5.960 s) and 3rd (5.960-9.000 s) segments only
    String text = get(replay(cam, "2025-03-01T18:00:04%2B08:00", "2025-03-01T10:00:08Z")).bodyAsString();
    assertEquals(keys(segs.subList(1, 3)), objectKeys(text));
    assertEquals(List.of("#EXT-X-PROGRAM-DATE-TIME:2025-03-01T10:00:03.000Z"), lines(text, "#EXT-X-PROGRAM-DATE-TIME"));
  }

  @Test
  void replay_isoOffsetWithUnencodedPlus_isAccepted() {
    String cam = TestStack.camera("replay-plus");
    List<Seg> segs = recordingWithGap(cam);
    HttpResponse<Buffer> r = get(replay(cam, "2025-03-01T18:00:04+08:00", "2025-03-01T18:00:08+08:00"));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(keys(segs.subList(1, 3)), objectKeys(r.bodyAsString()));
  }

  @Test
  void replay_noSegmentsInRange_is404Json() {
    String cam = TestStack.camera("replay-none");
    recordingWithGap(cam);
    HttpResponse<Buffer> r = get(replay(cam, "2025-03-02%2010:00:00", "2025-03-02%2011:00:00"));
    assertEquals(404, r.statusCode());
    assertEquals("application/json", r.getHeader("content-type"));
    assertEquals("no_recordings", r.bodyAsJsonObject().getString("error"));
  }

  @Test
  void replay_presignedUrls_downloadExactBytes() throws Exception {
    String cam = TestStack.camera("replay-bytes");
    List<Seg> segs = recordingWithGap(cam);
    env.upload(segs);
    List<String> urls = uris(get(replay(cam, "2025-03-01%2010:00:00", "2025-03-01%2011:00:00")).bodyAsString());
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < segs.size(); i++) {
      assertTrue(urls.get(i).contains("X-Amz-Expires=3600"), urls.get(i));
      var response = http.send(HttpRequest.newBuilder(URI.create(urls.get(i))).build(), BodyHandlers.ofByteArray());
      assertEquals(200, response.statusCode(), urls.get(i));
      assertArrayEquals(segs.get(i).bytes(), response.body(), "bytes of " + segs.get(i).key());
    }
  }

  @Test
  void replay_longRange_urlsLiveTwiceThePlaylistDuration() {
    String cam = TestStack.camera("replay-long");
    int[] durations = IntStream.range(0, 70).map(i -> 30_000).toArray(); // 35 min, signed off the event loop
    TestStack.insert(app.pool(), contiguous(cam, BASE, durations));
    List<String> urls = uris(get(replay(cam, "2025-03-01%2010:00:00", "2025-03-01%2011:00:00")).bodyAsString());
    assertEquals(70, urls.size());
    assertTrue(urls.stream().allMatch(u -> u.contains("X-Amz-Expires=4200")), urls.get(0));
  }

  @Test
  void page_servesPlayerAndTheHlsJsItReferences() {
    HttpResponse<Buffer> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.getHeader("content-type").startsWith("text/html"), page.getHeader("content-type"));
    String html = page.bodyAsString();
    assertTrue(html.contains("<video"), html);
    var m = java.util.regex.Pattern.compile("src=\"(/vendor/hls\\.js-([0-9.]+)/dist/hls\\.min\\.js)\"").matcher(html);
    assertTrue(m.find(), "page references hls.min.js as the build fetched it from npm");
    HttpResponse<Buffer> js = get(m.group(1));
    assertEquals(200, js.statusCode());
    assertTrue(js.getHeader("content-type").contains("javascript"), js.getHeader("content-type"));
    assertTrue(js.body().length() > 100_000);
    // the 1.7 line (its version is compiled into the file), and its licence beside it
    assertTrue(m.group(2).startsWith("1.7."), m.group(2));
    assertTrue(js.bodyAsString().contains("\"" + m.group(2) + "\""), "hls.min.js is version " + m.group(2));
    HttpResponse<Buffer> license = get("/vendor/hls.js-" + m.group(2) + "/LICENSE");
    assertEquals(200, license.statusCode());
    assertTrue(license.bodyAsString().contains("Apache License"), license.bodyAsString());
  }

  @Test
  void health_databaseReachable_isUp() {
    HttpResponse<Buffer> r = get("/health");
    assertEquals(200, r.statusCode());
    assertEquals("UP", r.bodyAsJsonObject().getString("status"));
    assertEquals("UP", r.bodyAsJsonObject().getJsonObject("checks").getString("db"));
  }

  @Test
  void metrics_countPlaylistRequestsByKindAndStatus() {
    get("/playlist.m3u8?camera_id=" + TestStack.camera("metrics"));
    get("/replay.m3u8?camera_id=bad/id");
    String text = app.metrics();
    assertTrue(text.contains("playlist_requests_total{kind=\"live\",status=\"404\"}"), text);
    assertTrue(text.contains("playlist_requests_total{kind=\"replay\",status=\"400\"}"), text);
    assertTrue(text.contains("playlist_request_duration_seconds_count{kind=\"live\"}"), text);
  }

  /** 10:00:00-10:00:15 in five segments, then a 45 s gap, then 10:01:00-10:01:05.5 in two. */
  private static List<Seg> recordingWithGap(String cam) {
    List<Seg> segs = new ArrayList<>(contiguous(cam, BASE, 3000, 2960, 3040, 3000, 3000));
    segs.addAll(contiguous(cam, BASE.plusSeconds(60), 3000, 2500));
    TestStack.insert(app.pool(), segs);
    return segs;
  }

  /** In the seed's form (links=full), whose lines name the object keys; CompactReplayTest covers the short links. */
  private static String replay(String cam, String start, String end) {
    return "/replay.m3u8?camera_id=" + cam + "&start=" + start + "&end=" + end + "&links=full";
  }

  private static HttpResponse<Buffer> get(String uri) {
    return app.get(uri);
  }

  private static List<String> lines(String text, String tag) {
    return text.lines().filter(l -> l.startsWith(tag)).toList();
  }

  private static List<String> uris(String text) {
    return text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  /** The object keys the presigned path-style URLs point at. */
  private static List<String> objectKeys(String text) {
    String prefix = "/" + env.stack.s3().bucket() + "/";
    return uris(text).stream().map(u -> URI.create(u).getPath()).peek(p -> assertTrue(p.startsWith(prefix), p))
        .map(p -> p.substring(prefix.length())).toList();
  }

  private static List<String> keys(List<Seg> segs) {
    return segs.stream().map(Seg::key).toList();
  }
}
