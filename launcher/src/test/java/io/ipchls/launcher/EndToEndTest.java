package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.TestTools;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton, end to end, on the real embedded servers with the local stack's defaults, TLS included: a
 * simulated camera authenticates over MQTT over TLS (verifying the broker against the local CA), gets scoped storage
 * keys from credential-service, uploads MPEG-TS segments to S3 over HTTPS and announces them; ingest indexes them in
 * PostgreSQL (password login); playlist-service answers live and replay playlists whose segment links (through its
 * proxy, which fetches from the store over HTTPS) download the real bytes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EndToEndTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int FPS = 10;
  @TempDir static Path data;
  static LocalSystem sys;

  @BeforeAll
  static void startSystem() throws Exception {
    sys = LocalSystem.start(testConfig(data, "ipc-hls-e2e", 5901));
  }

  /** The local stack on free ports in {@code data}, in a Hazelcast cluster of its own (name + this JVM's pid). */
  static StackConfig testConfig(Path data, String clusterName, int hazelcastPort) {
    JsonObject json = StackConfig.defaults().put("dataDir", data.toString());
    json.put("http", new JsonObject().put("playlistPort", 0).put("credentialPort", 0).put("ingestPort", 0));
    json.getJsonObject("postgres").put("port", 0);
    json.getJsonObject("mqtt").put("port", 0);
    json.getJsonObject("s3").put("port", 0);
    json.getJsonObject("cluster").put("name", clusterName + "-" + ProcessHandle.current().pid())
        .put("port", hazelcastPort);
    return StackConfig.from(json);
  }

  @AfterAll
  static void stopSystem() {
    if (sys != null) sys.close();
  }

  @Test
  void simulatedCamera_segmentsReachReplay_asValidH264TsStartingWithKeyFrame() throws Exception {
    Ffprobe.require();
    String cam = "e2e-cam";
    String secret = new AdminClient(sys.credentialUrl(), sys.adminToken()).registerOrRotate(cam);
    Instant begin = Instant.now();
    String token = sys.viewerToken(3600, cam);
    DemoCamera camera = new DemoCamera(cam, secret, sys.mqttHost(), sys.mqttPort(), sys.caFile(), 3, FPS).start();
    try {
      // live playlist grows as segments are indexed
      String live = awaitPlaylist(sys.playlistUrl() + "/playlist.m3u8?camera_id=" + cam + "&token=" + token, 3,
          Duration.ofSeconds(90));
      assertTrue(live.startsWith("#EXTM3U"), live);
      assertTrue(!live.contains("#EXT-X-ENDLIST"), "live playlist must not end: " + live);
    } finally {
      camera.close();
    }
    Instant end = Instant.now().plusSeconds(5);

    String replayUrl = sys.playlistUrl() + "/replay.m3u8?camera_id=" + cam
        + "&start=" + enc(begin.minusSeconds(60).toString()) + "&end=" + enc(end.toString()) + "&token=" + token;
    // closing the camera uploads its last segment and waits for the broker's PUBACK; ingest indexes it a moment
    // later. Every read below must see the same segments, so wait for all the camera uploaded first.
    long uploaded = camera.camera().metrics().segmentsUploaded();
    Await.until(uploaded + " uploaded segments in the replay", Duration.ofSeconds(30), () -> get(replayUrl),
        body -> Playlist.parse(body).uris.size() >= uploaded);
    // the seed's form (links=full), to fetch each segment by its presigned URL; ffmpeg plays the default short links
    HttpResponse<String> replay = HTTP.send(HttpRequest.newBuilder(URI.create(replayUrl + "&links=full")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, replay.statusCode(), replay.body());
    assertEquals("application/vnd.apple.mpegurl", replay.headers().firstValue("content-type").orElse(""));
    Playlist pl = Playlist.parse(replay.body());
    assertTrue(replay.body().contains("#EXT-X-ENDLIST"), replay.body());
    assertTrue(replay.body().contains("#EXT-X-PROGRAM-DATE-TIME:"), replay.body());
    assertTrue(pl.uris.size() >= 3, "at least 3 segments expected:\n" + replay.body());

    long extinfMs = 0;
    List<TsProbe.Result> probes = new ArrayList<>();
    for (int i = 0; i < pl.uris.size(); i++) {
      // the local stack's segment links go through playlist-service (segmentAccess proxy): relative to the playlist
      byte[] ts = HTTP.send(HttpRequest.newBuilder(URI.create(replayUrl).resolve(pl.uris.get(i))).build(),
          HttpResponse.BodyHandlers.ofByteArray()).body();
      TsProbe.Result r = TsProbe.probe(ts);
      assertEquals(0x1b, r.streamType(), "H.264 stream type");
      List<Integer> nals = r.firstAccessUnitNalTypes();
      int firstVcl = nals.stream().filter(t -> t == 1 || t == 5).findFirst().orElse(-1);
      assertEquals(5, firstVcl, "segment " + i + " must start with an IDR; NAL types " + nals);
      assertTrue(nals.indexOf(7) >= 0 && nals.indexOf(7) < nals.indexOf(5), "SPS before IDR: " + nals);
      assertTrue(nals.indexOf(8) >= 0 && nals.indexOf(8) < nals.indexOf(5), "PPS before IDR: " + nals);
      // ffprobe measures the file itself (first frame to the end of the last one), as our reader does; EXTINF runs to
      // the next segment's first frame and so also holds frames the simulated camera skipped under load (checked
      // against the video below).
      Ffprobe.checkSegment(ts, (r.lastPts() + 90_000 / FPS - r.firstPts()) / 90);
      probes.add(r);
      extinfMs += pl.durationsMs.get(i);
    }
    // EXTINF adds up to the recorded time, measured from the video itself: the camera's timestamps run on across
    // segments, so the recording spans from the first frame of the first segment to the end of the last frame.
    long frame90k = 90_000 / FPS;
    long recorded90k = probes.get(probes.size() - 1).lastPts() + frame90k - probes.get(0).firstPts();
    assertEquals(recorded90k / 90.0, extinfMs, 1000.0 / FPS,
        "EXTINF sum vs recorded media time; EXTINF " + pl.durationsMs);
    for (int i = 0; i + 1 < probes.size(); i++) {
      long span90k = probes.get(i + 1).firstPts() - probes.get(i).firstPts();
      assertEquals(span90k / 90.0, pl.durationsMs.get(i), 2, "EXTINF of segment " + i + " vs its video");
    }
    assertTrue(extinfMs <= Duration.between(begin, end).toMillis(), "cannot record more than the wall time");
    Ffprobe.checkPlaylistPlays(replayUrl);
    checkScrubbing(replayUrl.replace("/replay.m3u8?", "/iframes.m3u8?"), pl, cam, token);
  }

  /**
   * Issue 18 item 3 through the whole system: the demo camera announced each segment's key frame range and uploaded a
   * thumbnail per segment, so the replay has an I-frame playlist of as many entries (the same EXTINF, an
   * EXT-X-BYTERANGE each) and the thumbnail API answers the JPEG of its first segment.
   */
  private static void checkScrubbing(String iFramesUrl, Playlist replay, String cam, String token) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(iFramesUrl)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("#EXT-X-I-FRAMES-ONLY"), r.body());
    Playlist iFrames = Playlist.parse(r.body());
    assertEquals(replay.durationsMs, iFrames.durationsMs, "one I-frame per segment, shown until the next");
    assertEquals(iFrames.uris.size(), r.body().lines().filter(l -> l.startsWith("#EXT-X-BYTERANGE:")).count());
    String first = r.body().lines().filter(l -> l.startsWith("#EXT-X-PROGRAM-DATE-TIME:")).findFirst().orElseThrow()
        .substring("#EXT-X-PROGRAM-DATE-TIME:".length());
    HttpResponse<byte[]> jpeg = HTTP.send(HttpRequest.newBuilder(URI.create(sys.playlistUrl() + "/api/v1/cameras/"
        + cam + "/thumbnail?time=" + enc(Instant.parse(first).toString()) + "&token=" + token)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, jpeg.statusCode(), new String(jpeg.body(), StandardCharsets.UTF_8));
    assertEquals("image/jpeg", jpeg.headers().firstValue("content-type").orElse(""));
    assertEquals(0xFF, jpeg.body()[0] & 0xFF, "a JPEG (SOI)");
    assertEquals(0xD8, jpeg.body()[1] & 0xFF, "a JPEG (SOI)");
  }

  @Test
  void viewerTokenCommand_mintsATokenThatOpensExactlyItsCamera() throws Exception {
    var out = new java.io.ByteArrayOutputStream();
    var stdout = System.out;
    int exit;
    try {
      System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
      exit = IpcHls.commandLine().execute("viewer-token", "--camera", "cli-cam", "--ttl", "600",
          "--url", sys.playlistUrl().toString(), "--admin-token", sys.adminToken());
    } finally {
      System.setOut(stdout);
    }
    assertEquals(0, exit, out.toString(StandardCharsets.UTF_8));
    String token = out.toString(StandardCharsets.UTF_8).trim();
    String range = "&start=2026-01-01T00:00:00Z&end=2026-01-01T01:00:00Z&token=" + token;
    // cli-cam is unknown (404) but covered; another camera is not covered (403)
    assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create(sys.playlistUrl() + "/replay.m3u8?camera_id=cli-cam"
        + range)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(403, HTTP.send(HttpRequest.newBuilder(URI.create(sys.playlistUrl() + "/replay.m3u8?camera_id=other"
        + range)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void everyService_answersHealthAndMetrics() throws Exception {
    for (URI base : List.of(sys.playlistUrl(), sys.credentialUrl(), sys.ingestUrl())) {
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), base + " /health: " + health.body());
      assertEquals("UP", new JsonObject(health.body()).getString("status"));
      HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(base.resolve("/metrics"))
              .header("Authorization", "Bearer " + sys.adminToken()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode(), base + " /metrics: " + metrics.body());
      assertTrue(metrics.body().contains("# TYPE"), base + " /metrics is not Prometheus text");
    }
  }

  private static String awaitPlaylist(String url, int segments, Duration timeout) {
    return Await.until("live playlist with " + segments + " segments", timeout, () -> get(url),
        body -> Playlist.parse(body).uris.size() >= segments);
  }

  static String get(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "request failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Just enough of an M3U8 reader for the assertions. */
  static final class Playlist {
    final List<String> uris = new ArrayList<>();
    final List<Long> durationsMs = new ArrayList<>();

    static Playlist parse(String text) {
      Playlist p = new Playlist();
      for (String line : text.split("\n")) {
        line = line.trim();
        if (line.startsWith("#EXTINF:")) {
          p.durationsMs.add(Math.round(Double.parseDouble(line.substring(8, line.indexOf(','))) * 1000));
        } else if (!line.isEmpty() && !line.startsWith("#")) {
          p.uris.add(line);
        }
      }
      return p;
    }
  }

  /**
   * ffprobe/ffmpeg from Debian's ffmpeg package as the independent checker (.ci/run installs it); infra's
   * {@code TestTools} decides what a missing one means: an error under CI=true, else the test is not run.
   */
  static final class Ffprobe {
    static void require() {
      TestTools.require("ffprobe");
      TestTools.require("ffmpeg");
    }

    static void checkSegment(byte[] ts, long expectedMs) throws Exception {
      require();
      Path f = Files.createTempFile("seg", ".ts");
      try {
        Files.write(f, ts);
        String out = run("ffprobe", "-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1",
            "-show_entries", "stream=codec_name,width,height:frame=key_frame,pict_type", "-of", "json",
            f.toString());
        JsonObject j = new JsonObject(out);
        JsonObject stream = j.getJsonArray("streams").getJsonObject(0);
        assertEquals("h264", stream.getString("codec_name"));
        assertEquals(640, stream.getInteger("width"));
        assertEquals(360, stream.getInteger("height"));
        JsonObject frame = j.getJsonArray("frames").getJsonObject(0);
        assertEquals(1, frame.getInteger("key_frame"), out);
        assertEquals("I", frame.getString("pict_type"), out);
        String dur = run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
            f.toString()).trim();
        assertTrue(Math.abs(Double.parseDouble(dur) * 1000 - expectedMs) <= 150,
            "ffprobe duration " + dur + " s vs the segment's own frames " + expectedMs + " ms");
      } finally {
        Files.deleteIfExists(f);
      }
    }

    /** The replay playlist plays through in ffmpeg (decodes every frame, no error). */
    static void checkPlaylistPlays(String url) throws Exception {
      require();
      run("ffmpeg", "-v", "error", "-xerror", "-i", url, "-f", "null", "-");
    }

    /**
     * The media time ffmpeg decodes from a playlist, following it from start to end: the sum of the steps between
     * decoded frames' timestamps, where a step over a discontinuity (backwards, or over 1 s) counts as one frame.
     */
    static long decodedMillis(String url, int fps) throws Exception {
      require();
      String out = run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
          "frame=best_effort_timestamp_time", "-of", "csv=p=0", url);
      double frame = 1.0 / fps;
      double total = 0;
      double previous = Double.NaN;
      for (String line : out.trim().split("\n")) {
        String v = line.trim().replace(",", "");
        if (v.isEmpty() || v.equals("N/A")) continue;
        double t = Double.parseDouble(v);
        if (!Double.isNaN(previous)) {
          double step = t - previous;
          total += step > 0 && step < 1.0 ? step : frame;
        }
        previous = t;
      }
      return Math.round((total + frame) * 1000);
    }

    /**
     * The tool's standard output; its log (standard error) only in the failure message: ffmpeg logs at error level
     * that it cannot reuse a connection when a segment link redirects to another host (short links to the store), and
     * goes on with a new one, so the log must not mix into the values parsed from the output.
     */
    private static String run(String... cmd) throws Exception {
      java.nio.file.Path log = java.nio.file.Files.createTempFile("ipchls-ffmpeg", ".log");
      try {
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timeout: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(),
            String.join(" ", cmd) + " failed:\n" + out + java.nio.file.Files.readString(log));
        return out;
      } finally {
        java.nio.file.Files.deleteIfExists(log);
      }
    }
  }
}
