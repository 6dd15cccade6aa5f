package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.Camera;
import io.ipchls.device.CameraBuilder;
import io.ipchls.device.codec.AudioInput;
import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.flac.G711;
import io.ipchls.device.sim.AnnexBFileSource;
import io.ipchls.device.sim.G711Tone;
import io.ipchls.infra.Await;
import io.ipchls.infra.HeadlessChromium;
import io.ipchls.infra.TestTools;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Issue 16 item 6, end to end on the real embedded servers: cameras of the SDK stream files made by ffmpeg (x264
 * without and with B-frames, x265 with B-frames, each alone and with AAC) as MPEG-TS and as fMP4, and H.264 with G.711
 * (as FLAC in fMP4); every camera's replay playlist (EXT-X-VERSION, EXT-X-MAP for fMP4) leads to segments that
 * ffprobe reads with a key frame first, PTS and DTS continuous across segments and each segment's video lasting its
 * EXTINF, and {@code ffmpeg -xerror} plays the replay. In Debian's headless Chromium the web player plays the H.264 +
 * AAC and the H.264 + G.711 fMP4 cameras (video advances, audio decoded) and refuses the H.265 camera with its
 * message. The cameras stream at once, so the class costs about one clip's time plus the checks.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class CodecsEndToEndTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int FPS = 25;
  private static final int SECONDS = 4;
  private static final long FRAME_90K = 90_000 / FPS;
  private static final Duration PLAYBACK = Duration.ofSeconds(60);

  /** One camera of the matrix. */
  record Combo(String video, String container, String audio) {
    String cameraId() {
      return ("codec-" + video + "-" + container + "-" + audio).replace("_", "-");
    }

    @Override
    public String toString() {
      return video + " " + container + " " + audio;
    }
  }

  @TempDir static Path dir;
  static LocalSystem sys;
  static ChromeDriver browser;
  static String token;
  static Instant begin;
  static final Map<String, Path> clips = new ConcurrentHashMap<>();

  static List<Combo> combos() {
    List<Combo> all = new ArrayList<>();
    for (String video : List.of("h264", "h264-bframes", "h265")) {
      for (String container : List.of("ts", "fmp4")) {
        for (String audio : List.of("none", "aac")) all.add(new Combo(video, container, audio));
      }
    }
    all.add(new Combo("h264", "fmp4", "g711"));
    return all;
  }

  @BeforeAll
  static void recordEveryCombination() throws Exception {
    EndToEndTest.Ffprobe.require();
    Path chromium = TestTools.require("chromium");
    Path chromedriver = TestTools.require("chromedriver");
    encodeClips();
    sys = LocalSystem.start(EndToEndTest.testConfig(dir, "ipc-hls-codecs", 5971));
    token = sys.viewerToken(3600, "*");
    begin = Instant.now();
    List<Camera> cameras = new ArrayList<>();
    List<AnnexBFileSource> sources = new ArrayList<>();
    CountDownLatch ended = new CountDownLatch(combos().size());
    AdminClient admin = new AdminClient(sys.credentialUrl(), sys.adminToken());
    for (Combo c : combos()) {
      Camera camera = camera(c, admin.registerOrRotate(c.cameraId()));
      camera.start();
      cameras.add(camera);
      sources.add(source(c, camera, ended));
    }
    assertTrue(ended.await(2, TimeUnit.MINUTES), "every clip streamed");
    for (AnnexBFileSource s : sources) s.close();
    for (Camera camera : cameras) camera.close();
    browser = HeadlessChromium.start(chromium, chromedriver);
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
    if (sys != null) sys.close();
  }

  /** 320x240 test pictures with a key frame every second, and a sine as AAC, as raw files the simulator streams. */
  private static void encodeClips() throws Exception {
    String gop = "-g 25 -keyint_min 25 -sc_threshold 0";
    ffmpeg("h264", "-c:v libx264 -bf 0 " + gop + " -f h264");
    ffmpeg("h264-bframes", "-c:v libx264 -bf 2 " + gop + " -f h264");
    ffmpeg("h265", "-c:v libx265 -x265-params keyint=25:min-keyint=25:scenecut=0:bframes=2:open-gop=0:"
        + "log-level=error -f hevc");
    Path aac = dir.resolve("clip.aac");
    run(List.of(TestTools.require("ffmpeg").toString(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-t", String.valueOf(SECONDS), "-c:a", "aac", "-b:a", "64k", "-f",
        "adts", aac.toString()));
    clips.put("aac", aac);
  }

  private static void ffmpeg(String name, String codecArgs) throws Exception {
    Path out = dir.resolve(name + (name.equals("h265") ? ".h265" : ".h264"));
    List<String> cmd = new ArrayList<>(List.of(TestTools.require("ffmpeg").toString(), "-nostdin", "-v", "error",
        "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=" + FPS, "-t", String.valueOf(SECONDS),
        "-pix_fmt", "yuv420p"));
    cmd.addAll(List.of(codecArgs.split(" ")));
    cmd.add(out.toString());
    run(cmd);
    clips.put(name, out);
  }

  private static Camera camera(Combo c, String secret) {
    CameraBuilder b = Camera.builder().cameraId(c.cameraId()).secret(secret).mqtt(sys.mqttHost(), sys.mqttPort())
        .segmentSeconds(1).video(c.video().equals("h265") ? VideoCodec.H265 : VideoCodec.H264)
        .container(c.container().equals("fmp4") ? Container.FMP4 : Container.TS);
    if (sys.mqttTls()) b.mqttTls(true).trustedCa(sys.caFile()); // the local stack runs TLS, as the demo does
    if (c.audio().equals("aac")) b.audio(AudioInput.aacAdts());
    if (c.audio().equals("g711")) b.audio(AudioInput.g711Alaw());
    return b.build();
  }

  private static AnnexBFileSource source(Combo c, Camera camera, CountDownLatch ended) {
    VideoCodec codec = c.video().equals("h265") ? VideoCodec.H265 : VideoCodec.H264;
    G711Tone tone = c.audio().equals("g711") ? new G711Tone(G711.Law.A_LAW) : null;
    AnnexBFileSource source = new AnnexBFileSource(clips.get(c.video()), codec, FPS, /* loop= */ false, frame -> {
      camera.putFrame(frame);
      if (tone != null) tone.feedUntil(frame.pts90k() * 100 / 9, camera::putAudio);
    }, c.audio().equals("aac") ? clips.get("aac") : null, camera::putAudio);
    source.start(ended::countDown);
    return source;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("combos")
  void replay_isAcceptedByFfprobe_continuous_durationsAreExtinf_andPlaysInFfmpeg(Combo c) throws Exception {
    String replayUrl = replayUrl(c.cameraId());
    String playlist = get(replayUrl + "&links=full");
    boolean fmp4 = c.container().equals("fmp4");
    assertTrue(playlist.contains("#EXT-X-VERSION:" + (fmp4 ? 6 : 3) + "\n"), playlist);
    Matcher map = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"").matcher(playlist);
    assertEquals(fmp4, map.find(), "EXT-X-MAP exactly for fMP4:\n" + playlist);
    List<String> uris = new ArrayList<>();
    List<Double> extinf = new ArrayList<>();
    for (String line : playlist.split("\n")) {
      if (line.startsWith("#EXTINF:")) extinf.add(Double.parseDouble(line.substring(8, line.indexOf(','))));
      else if (!line.isBlank() && !line.startsWith("#")) uris.add(line.trim());
    }
    assertEquals(SECONDS, uris.size(), "one segment per second of the clip:\n" + playlist);
    byte[] init = fmp4 ? bytes(map.group(1)) : new byte[0];
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(init);
    String videoName = c.video().equals("h265") ? "hevc" : "h264";
    String expectedStreams = videoName + ",video" + switch (c.audio()) {
      case "aac" -> "\naac,audio";
      case "g711" -> "\nflac,audio";
      default -> "";
    };
    for (int i = 0; i < uris.size(); i++) {
      byte[] segment = bytes(uris.get(i));
      Path file = write("seg", init, segment);
      // distinct lines: for MPEG-TS ffprobe lists the streams once in the program and once on their own
      assertEquals(expectedStreams, String.join("\n", probe(file, "-show_entries", "stream=codec_name,codec_type",
          "-of", "csv=p=0").lines().filter(l -> !l.isBlank()).distinct().toList()));
      List<long[]> video = videoPackets(file);
      assertEquals(1, video.get(0)[2], "segment " + i + " starts with a key frame");
      long duration = video.stream().mapToLong(p -> p[3]).sum();
      assertEquals(extinf.get(i) * 1000, duration / 90.0, 1.0, "segment " + i + ": its video lasts its EXTINF");
      all.writeBytes(segment);
    }
    List<long[]> video = videoPackets(write("all", all.toByteArray()));
    assertEquals(SECONDS * FPS, video.size(), "every picture of the clip");
    for (int i = 1; i < video.size(); i++) {
      assertEquals(video.get(i - 1)[1] + FRAME_90K, video.get(i)[1], "DTS continuous at picture " + i);
    }
    List<Long> pts = video.stream().map(p -> p[0]).sorted().toList();
    for (int i = 1; i < pts.size(); i++) assertEquals(pts.get(i - 1) + FRAME_90K, pts.get(i), "PTS continuous");
    EndToEndTest.Ffprobe.checkPlaylistPlays(replayUrl);
  }

  @Test
  void demoCameras_h265AndAudio_recordFmp4ThatFfmpegPlays() throws Exception {
    AdminClient admin = new AdminClient(sys.credentialUrl(), sys.adminToken());
    String h265 = "demo-codecs-h265";
    String audio = "demo-codecs-audio";
    try (DemoCamera a = DemoCamera.h265(h265, admin.registerOrRotate(h265), sys.mqttHost(), sys.mqttPort(),
            sys.caFile(), 1).start();
        DemoCamera b = DemoCamera.withG711Audio(audio, admin.registerOrRotate(audio), sys.mqttHost(), sys.mqttPort(),
            sys.caFile(), 1, 15).start()) {
      for (String camera : List.of(h265, audio)) {
        Await.until(camera + " recorded", PLAYBACK, () -> getQuietly(replayUrl(camera)),
            p -> p.contains("#EXT-X-MAP:") && p.split("#EXTINF:").length > 2);
      }
    }
    for (String camera : List.of(h265, audio)) {
      String playlist = get(replayUrl(camera) + "&links=full");
      Matcher map = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"").matcher(playlist);
      assertTrue(map.find(), playlist);
      String first = playlist.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow();
      Path file = write(camera, bytes(map.group(1)), bytes(first));
      assertEquals(camera.equals(h265) ? "hevc,video" : "h264,video\nflac,audio", String.join("\n",
          probe(file, "-show_entries", "stream=codec_name,codec_type", "-of", "csv=p=0").lines().toList()));
      EndToEndTest.Ffprobe.checkPlaylistPlays(replayUrl(camera));
    }
  }

  @Test
  void templateWithContainerFmp4_switchesARunningTsCamera_playlistShowsDiscontinuityAndMap() throws Exception {
    String cam = "codec-template-switch";
    String secret = new AdminClient(sys.credentialUrl(), sys.adminToken()).registerOrRotate(cam);
    try (DemoCamera camera = new DemoCamera(cam, secret, sys.mqttHost(), sys.mqttPort(), sys.caFile(), 1, 10)
        .start()) {
      Await.until("TS segments indexed", PLAYBACK, () -> getQuietly(replayUrl(cam)),
          p -> p.split("#EXTINF:").length > 2);
      String tpl = ingest("POST", "/record-templates", new JsonObject().put("name", "fmp4-switch")
          .put("segmentSeconds", 1).put("container", "fmp4"), 201).getString("id");
      assertEquals("fmp4", ingest("GET", "/record-templates/" + tpl, null, 200).getString("container"));
      ingest("POST", "/record-tasks", new JsonObject().put("templateId", tpl)
          .put("cameraIds", new io.vertx.core.json.JsonArray().add(cam)), 201);
      Await.until("fMP4 segments after the switch", PLAYBACK, () -> getQuietly(replayUrl(cam)),
          p -> p.contains("#EXT-X-MAP:") && p.substring(p.indexOf("#EXT-X-MAP:")).split("#EXTINF:").length > 2);
    }
    String playlist = get(replayUrl(cam));
    int map = playlist.indexOf("#EXT-X-MAP:");
    String beforeMap = playlist.substring(0, map);
    assertTrue(beforeMap.contains(".ts"), "TS segments first:\n" + playlist);
    assertTrue(beforeMap.stripTrailing().endsWith("#EXT-X-DISCONTINUITY") || beforeMap.substring(
        beforeMap.lastIndexOf(".ts")).contains("#EXT-X-DISCONTINUITY"), "a discontinuity at the switch:\n" + playlist);
    assertFalse(playlist.substring(map).contains(".ts"), "only fMP4 after the map:\n" + playlist);
    assertTrue(playlist.contains("#EXT-X-VERSION:6"), playlist);
    EndToEndTest.Ffprobe.checkPlaylistPlays(replayUrl(cam));
  }

  private static JsonObject ingest(String method, String path, JsonObject body, int status) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(sys.ingestUrl().resolve("/api/v1" + path))
        .header("Authorization", "Bearer " + sys.adminToken()).header("content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, r.statusCode(), method + " " + path + ": " + r.body());
    return new JsonObject(r.body());
  }

  @Test
  void webPlayer_h264WithAac_fmp4_playsVideoAndAudio() {
    playsVideoAndAudio(new Combo("h264", "fmp4", "aac"));
  }

  @Test
  void webPlayer_h264WithG711_fmp4_playsVideoAndAudio() {
    playsVideoAndAudio(new Combo("h264", "fmp4", "g711"));
  }

  @Test
  void webPlayer_h265Camera_isRefusedWithItsMessage_inAChromiumWithoutHevc() {
    openPlayer(new Combo("h265", "fmp4", "none"));
    String text = Await.until("the refusal", PLAYBACK,
        () -> (String) js("const e = document.getElementById('refusal'); return e.hidden ? '' : e.textContent"),
        s -> !s.isEmpty());
    assertTrue(text.startsWith("This camera records H.265 (HEVC), which this browser cannot decode."), text);
    assertEquals(0.0, number("return window.ipchls.video.currentTime"), "nothing plays behind the message");
  }

  private static void playsVideoAndAudio(Combo c) {
    openPlayer(c);
    double t = Await.until(c + " plays", PLAYBACK, () -> number("return window.ipchls.video.currentTime"),
        x -> x > 2 || !status().isEmpty());
    assertTrue(t > 2, "video advanced: " + status());
    assertEquals("", status(), "no playback error");
    assertTrue(number("return window.ipchls.video.webkitVideoDecodedByteCount") > 0, "video decoded");
    assertTrue(number("return window.ipchls.video.webkitAudioDecodedByteCount") > 0, "audio decoded");
    assertFalse(Boolean.FALSE.equals(js("return document.getElementById('refusal').hidden")), "no refusal");
  }

  private static void openPlayer(Combo c) {
    browser.get(sys.playlistUrl() + "/?camera=" + c.cameraId() + "&start=" + enc(begin.minusSeconds(30).toString())
        + "&end=" + enc(Instant.now().plusSeconds(30).toString()) + "&token=" + enc(token));
  }

  private static String status() {
    return (String) js("return document.getElementById('status').textContent");
  }

  private static String replayUrl(String camera) {
    return sys.playlistUrl() + "/replay.m3u8?camera_id=" + camera + "&start=" + enc(begin.minusSeconds(30).toString())
        + "&end=" + enc(Instant.now().plusSeconds(30).toString()) + "&token=" + token;
  }

  /** PTS, DTS, key flag (1/0) and duration of every video packet, in decoding order. */
  private static List<long[]> videoPackets(Path file) throws Exception {
    return probe(file, "-select_streams", "v", "-show_entries", "packet=pts,dts,duration,flags", "-of", "csv=p=0")
        .lines().filter(l -> !l.isBlank()).map(l -> {
          String[] f = l.split(",");
          return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), f[3].startsWith("K") ? 1 : 0,
              Long.parseLong(f[2])};
        }).toList();
  }

  private static String probe(Path file, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(TestTools.require("ffprobe").toString(), "-v", "error"));
    cmd.addAll(List.of(args));
    cmd.add(file.toString());
    return run(cmd).strip();
  }

  private static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("hung: " + cmd);
    }
    if (p.exitValue() != 0) throw new AssertionError(cmd.get(0) + " failed: " + out);
    return out;
  }

  private static Path write(String name, byte[]... parts) throws Exception {
    Path file = Files.createTempFile(dir, name, ".bin");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    Files.write(file, out.toByteArray());
    return file;
  }

  /** The body at {@code url}; a relative link (the local stack proxies segments) is relative to playlist-service. */
  private static byte[] bytes(String url) throws Exception {
    URI uri = URI.create(sys.playlistUrl() + "/").resolve(url);
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), url);
    return r.body();
  }

  private static String getQuietly(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private static double number(String script) {
    return ((Number) js(script)).doubleValue();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
