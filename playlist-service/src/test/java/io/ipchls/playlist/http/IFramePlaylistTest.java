package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.segment.Segment;
import io.ipchls.infra.TestTools;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.PlaylistConfig.SegmentAccess;
import io.ipchls.playlist.SdkRecordings;
import io.ipchls.playlist.SdkRecordings.Recording;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 18 item 3: the I-frame playlist of a replay (RFC 8216 §4.3.3.6) over segments the camera SDK cut (x264 in
 * MPEG-TS, x265 in fMP4). Read as RFC 8216 says (tags, versions, byte ranges, maps), every range fetched through every
 * link form (short links, presigned URLs, the proxy) is the camera's announced range of its segment, and ffprobe
 * decodes exactly one key frame picture from each; ffmpeg's own HLS reader plays the whole I-frame playlist over HTTP as
 * one key frame per segment. The replay's multivariant playlist lists it with EXT-X-I-FRAME-STREAM-INF.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 300, timeUnit = TimeUnit.SECONDS)
class IFramePlaylistTest {
  private static final TestStack env = new TestStack();
  private static final int SECONDS = 6;
  private static Pool pool;
  private static WebClient client;
  private static String token;
  private static int presigned;
  private static int proxy;
  private static Recording ts;
  private static Recording fmp4;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
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
    ts = recorded("iframes-ts", VideoCodec.H264, Container.TS);
    fmp4 = recorded("iframes-fmp4", VideoCodec.H265, Container.FMP4);
  }

  private static Recording recorded(String name, VideoCodec codec, Container container) throws Exception {
    String camera = TestStack.camera(name);
    TestStack.register(pool, camera);
    Instant start = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);
    List<Segment> segments = SdkRecordings.segments(codec, container, SECONDS);
    return SdkRecordings.record(env, pool, camera, segments, start, /* thumbnails= */ false);
  }

  private static String range(Recording r) {
    Instant start = r.rows().get(0).startAt().toInstant();
    Instant end = r.rows().get(r.rows().size() - 1).startAt().toInstant().plusSeconds(10);
    return "camera_id=" + r.camera() + "&start=" + enc(start.toString()) + "&end=" + enc(end.toString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static HttpResponse<Buffer> get(int port, String path) {
    return await(client.get(port, "127.0.0.1", path).bearerTokenAuthentication(token).send());
  }

  /** One I-frame as RFC 8216 reads it: its EXTINF, its EXT-X-BYTERANGE and URI, the EXT-X-MAP in force. */
  record Entry(long durationMs, long length, long offset, String uri, String map) {}

  private static final Pattern BYTERANGE = Pattern.compile("#EXT-X-BYTERANGE:(\\d+)@(\\d+)");
  private static final Pattern MAP = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");

  /** Reads an I-frame playlist by RFC 8216's rules, checking its header; the I-frames in order. */
  private static List<Entry> parse(String text, int version) {
    List<String> lines = Arrays.asList(text.split("\n"));
    assertEquals("#EXTM3U", lines.get(0), "§4.3.1.1 first line");
    assertTrue(lines.contains("#EXT-X-VERSION:" + version), "§7 version " + version + "\n" + text);
    assertTrue(lines.contains("#EXT-X-I-FRAMES-ONLY"), text);
    assertTrue(lines.contains("#EXT-X-PLAYLIST-TYPE:VOD"), text);
    assertEquals("#EXT-X-ENDLIST", lines.get(lines.size() - 1));
    int target = lines.stream().filter(l -> l.startsWith("#EXT-X-TARGETDURATION:")).map(l -> Integer.parseInt(
        l.substring(22))).findFirst().orElseThrow();
    List<Entry> out = new ArrayList<>();
    String map = null;
    Long duration = null;
    long[] range = null;
    for (String l : lines) {
      Matcher m;
      if ((m = MAP.matcher(l)).matches()) {
        map = m.group(1);
      } else if (l.startsWith("#EXTINF:")) {
        duration = Math.round(Double.parseDouble(l.substring(8, l.indexOf(','))) * 1000);
        assertTrue(Math.round(duration / 1000.0) <= target, "§4.3.3.1 EXTINF <= target duration");
      } else if ((m = BYTERANGE.matcher(l)).matches()) {
        range = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
      } else if (!l.isEmpty() && !l.startsWith("#")) {
        assertTrue(duration != null && range != null, "EXTINF and EXT-X-BYTERANGE before each URI: " + l);
        out.add(new Entry(duration, range[0], range[1], l, map));
        duration = null;
        range = null;
      }
    }
    return out;
  }

  /** A link from a playlist served on {@code port}, fetched as a player would: relative, redirects, a Range. */
  private static HttpResponse<Buffer> fetch(int port, String link, Entry e) {
    String url = URI.create("http://127.0.0.1:" + port + "/").resolve(link).toString();
    String rangeHeader = e == null ? null : "bytes=" + e.offset() + "-" + (e.offset() + e.length() - 1);
    var req = client.getAbs(url);
    if (rangeHeader != null) req.putHeader("Range", rangeHeader);
    HttpResponse<Buffer> r = await(req.send());
    if (r.statusCode() == 302) {
      var again = client.getAbs(r.getHeader("location"));
      if (rangeHeader != null) again.putHeader("Range", rangeHeader);
      r = await(again.send());
    }
    return r;
  }

  /** Checks every I-frame of the playlist against the recording: its range, its bytes, one key frame picture each. */
  private static void assertIFrames(Recording r, int port, String text, int version) throws Exception {
    List<Entry> entries = parse(text, version);
    assertEquals(r.segments().size(), entries.size(), "one I-frame per segment\n" + text);
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      Segment s = r.segments().get(i);
      assertEquals(s.durationMs(), e.durationMs(), "EXTINF: until the next I-frame, the segment's length");
      assertEquals(s.keyFrame().offset(), e.offset(), "the camera's announced offset");
      assertEquals(s.keyFrame().length(), e.length(), "the camera's announced length");
      HttpResponse<Buffer> got = fetch(port, e.uri(), e);
      assertEquals(206, got.statusCode(), e.uri() + ": " + got.bodyAsString());
      byte[] expected = Arrays.copyOfRange(s.bytes(), (int) e.offset(), (int) (e.offset() + e.length()));
      assertArrayEquals(expected, got.body().getBytes(), "the range of the segment's bytes");
      byte[] init = new byte[0];
      if (s.init() != null) {
        HttpResponse<Buffer> map = fetch(port, e.map(), null);
        assertEquals(200, map.statusCode(), "EXT-X-MAP " + e.map());
        init = map.body().getBytes();
        assertArrayEquals(s.init().bytes(), init);
      }
      assertEquals(List.of("1,I"), keyFrames(init, got.body().getBytes(), s.init() == null ? ".ts" : ".mp4"));
    }
  }

  /** ffprobe's frames (key flag, picture type) of init + bytes. */
  private static List<String> keyFrames(byte[] init, byte[] bytes, String ext) throws Exception {
    Path f = Files.createTempFile("iframe", ext);
    try {
      Files.write(f, init);
      Files.write(f, bytes, java.nio.file.StandardOpenOption.APPEND);
      return ffprobeFrames(f.toString());
    } finally {
      Files.deleteIfExists(f);
    }
  }

  private static List<String> ffprobeFrames(String input) throws Exception {
    Path ffprobe = TestTools.require("ffprobe");
    Process p = new ProcessBuilder(ffprobe.toString(), "-v", "error", "-protocol_whitelist", "file,http,tcp",
        "-select_streams", "v", "-show_frames", "-show_entries", "frame=key_frame,pict_type", "-of", "csv=p=0", input)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffprobe hung");
    assertEquals(0, p.exitValue(), out);
    return out.lines().filter(l -> l.startsWith("0,") || l.startsWith("1,"))
        .map(l -> String.join(",", Arrays.asList(l.split(",")).subList(0, 2))).toList();
  }

  @Test
  void ts_shortLinks_eachRangeIsTheCamerasKeyFrame_decodesToOneKeyPicture() throws Exception {
    HttpResponse<Buffer> r = get(presigned, "/iframes.m3u8?" + range(ts));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(PlaylistHandlers.MPEGURL, r.getHeader("content-type"));
    String text = r.bodyAsString();
    assertTrue(text.lines().filter(l -> !l.startsWith("#")).allMatch(l -> l.startsWith("s/")), text);
    assertIFrames(ts, presigned, text, /* version= */ 4);
  }

  @Test
  void fmp4_presignedLinks_rangesWithTheirMap_decodeToOneKeyPictureEach() throws Exception {
    String text = get(presigned, "/iframes.m3u8?" + range(fmp4) + "&links=full").bodyAsString();
    assertTrue(text.contains("#EXT-X-MAP:URI=\"http"), text);
    assertIFrames(fmp4, presigned, text, /* version= */ 5);
  }

  @Test
  void proxyMode_bothLinkForms_serveTheRanges() throws Exception {
    assertIFrames(fmp4, proxy, get(proxy, "/iframes.m3u8?" + range(fmp4)).bodyAsString(), 5);
    String full = get(proxy, "/iframes.m3u8?" + range(ts) + "&links=full").bodyAsString();
    assertTrue(full.lines().filter(l -> !l.startsWith("#")).allMatch(l -> l.startsWith("segments/")), full);
    assertIFrames(ts, proxy, full, 4);
  }

  @Test
  void ffmpegsHlsReader_playsTheIFramePlaylist_oneKeyFramePerSegment() throws Exception {
    String url = "http://127.0.0.1:" + presigned + "/iframes.m3u8?" + range(ts) + "&token=" + enc(token);
    List<String> frames = ffprobeFrames(url);
    assertEquals(ts.segments().size(), frames.size(), frames.toString());
    assertTrue(frames.stream().allMatch("1,I"::equals), frames.toString());
  }

  @Test
  void multivariantOfAReplay_listsTheIFrameStream_withItsVideoCodecAndBandwidth() {
    String text = get(presigned, "/multivariant.m3u8?" + range(fmp4)).bodyAsString();
    String line = text.lines().filter(l -> l.startsWith("#EXT-X-I-FRAME-STREAM-INF:")).findFirst().orElseThrow(
        () -> new AssertionError(text));
    assertTrue(line.contains("URI=\"iframes.m3u8?camera_id=" + fmp4.camera()), line);
    assertTrue(line.contains("CODECS=\"" + fmp4.segments().get(0).codec() + "\""), line);
    assertTrue(line.contains("RESOLUTION=320x240"), line);
    long peak = fmp4.segments().stream().mapToLong(s -> s.keyFrame().length() * 8000 / s.durationMs()).max()
        .orElseThrow();
    assertTrue(line.startsWith("#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=" + peak + ","), line + " peak " + peak);
  }

  @Test
  void liveMultivariant_hasNoIFrameStream() {
    String text = get(presigned, "/multivariant.m3u8?camera_id=" + ts.camera()).bodyAsString();
    assertTrue(text.contains("#EXT-X-STREAM-INF:"), text);
    assertTrue(!text.contains("I-FRAME"), text);
  }

  @Test
  void rangeWithoutKeyFrames_is404() {
    Instant long_ago = Instant.parse("2025-01-01T00:00:00Z");
    HttpResponse<Buffer> r = get(presigned, "/iframes.m3u8?camera_id=" + ts.camera() + "&start="
        + enc(long_ago.toString()) + "&end=" + enc(long_ago.plusSeconds(60).toString()));
    assertEquals(404, r.statusCode());
    assertEquals("no_recordings", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }
}
