package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.MediaSamples;
import io.ipchls.playlist.MediaSamples.Kind;
import io.ipchls.playlist.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 18 item 4, the export job: {@code POST .../exports} remuxes a range of a recording (made by ffmpeg, stored in
 * S3Proxy, indexed as ingest indexes it) into a faststart MP4 written to the bucket with a manifest; {@code GET}
 * answers with presigned URLs that serve exactly those bytes; expired exports are swept; every bad input has its own
 * 4xx.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExportJobTest {
  /** The samples' key frame interval: the clip may start this much before start. */
  private static final double GOP_SECONDS = 2.0;
  private static final Duration DONE_WITHIN = Duration.ofSeconds(90);
  private static final TestStack env = new TestStack();
  private static final HttpClient http = HttpClient.newHttpClient();
  private static Pool pool;
  private static WebClient client;
  private static String token;
  private static int port;
  private static PlaylistHttpVerticle verticle;

  @BeforeAll
  static void start(Vertx vertx) {
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
    verticle = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24));
    await(vertx.deployVerticle(verticle));
    port = verticle.port();
    client = WebClient.create(vertx);
    token = TestStack.token(vertx, "*");
  }

  @Test
  void tsExport_isFaststart_hasTheRangesDuration_manifestHashesTheStoredObjects_urlsServeTheExactBytes()
      throws Exception {
    export_isWhatTheUserAskedFor(Kind.TS_H264_AAC);
  }

  @Test
  void fmp4Export_manifestAlsoListsTheInitSegment() throws Exception {
    JsonObject manifest = export_isWhatTheUserAskedFor(Kind.FMP4_H264_AAC);
    assertTrue(manifest.getJsonArray("sources").stream().map(o -> ((JsonObject) o).getString("key"))
        .anyMatch(k -> k.contains("/init/")), manifest.encodePrettily());
  }

  private JsonObject export_isWhatTheUserAskedFor(Kind kind) throws Exception {
    Instant start = record("export-" + kind.name().toLowerCase(), kind);
    String camera = lastCamera;
    // 1 s into the first segment to 1 s into the last: 4 s asked, from the key frame at 0
    HttpResponse<Buffer> created = post(exportsUri(camera, start.plusSeconds(1), start.plusSeconds(5)));
    assertEquals(202, created.statusCode(), created.bodyAsString());
    String location = created.getHeader("location");
    assertTrue(location.startsWith("/api/v1/cameras/" + camera + "/exports/"), location);
    JsonObject job = awaitDone(location);
    assertEquals("done", job.getString("state"), job.encodePrettily());
    assertEquals(3, job.getInteger("segmentCount"));

    byte[] mp4 = fetch(job.getJsonObject("mp4").getString("url"));
    assertEquals(job.getJsonObject("mp4").getLong("bytes"), (long) mp4.length);
    assertEquals(sha256(mp4), job.getJsonObject("mp4").getString("sha256"), "the answer's SHA-256 is the file's");
    assertEquals(List.of("ftyp", "moov", "mdat"), topLevelBoxes(mp4), "faststart: moov before mdat");
    Path file = Files.createTempFile("export", ".mp4");
    try {
      Files.write(file, mp4);
      double duration = Double.parseDouble(ClipExportTest.ffprobe(file, "format=duration", null));
      assertTrue(duration >= 4.0 - 0.05 && duration <= 4.0 + GOP_SECONDS + 0.1, "duration " + duration);
      assertEquals("", ClipExportTest.decodeStrictly(file));
    } finally {
      Files.deleteIfExists(file);
    }
    byte[] direct = await(client.get(port, "127.0.0.1", ClipExportTest.clipUri(camera, start.plusSeconds(1),
        start.plusSeconds(5))).bearerTokenAuthentication(token).send()).body().getBytes();
    assertArrayEquals(direct, mp4, "the same bytes as clip.mp4 of the range");

    JsonObject manifest = new JsonObject(new String(fetch(job.getJsonObject("manifest").getString("url")),
        StandardCharsets.UTF_8));
    assertEquals(sha256(mp4), manifest.getJsonObject("mp4").getString("sha256"));
    assertEquals(camera, manifest.getString("cameraId"));
    JsonArray sources = manifest.getJsonArray("sources");
    assertEquals(recorded.rows().size() + (recorded.initKey() == null ? 0 : 1), sources.size(), manifest.encode());
    try (S3Client s3 = env.rootS3()) {
      for (Object o : sources) {
        JsonObject source = (JsonObject) o;
        byte[] stored = s3.getObjectAsBytes(r -> r.bucket(env.stack.s3().bucket()).key(source.getString("key")))
            .asByteArray();
        assertEquals(sha256(stored), source.getString("sha256"), source.getString("key"));
        assertEquals(stored.length, source.getLong("bytes"), source.getString("key"));
      }
    }
    List<String> segmentKeys = sources.stream().map(o -> ((JsonObject) o).getString("key"))
        .filter(k -> !k.contains("/init/")).toList();
    assertEquals(recorded.rows().stream().map(r -> r.objectKey()).toList(), segmentKeys, "every source, in order");
    return manifest;
  }

  @Test
  void rangeAcrossACodecChange_jobFailsWithTheReason() {
    Instant start = record("export-change", Kind.TS_H264_AAC);
    Instant change = MediaSamples.end(MediaSamples.of(Kind.TS_H264_AAC), start);
    MediaSamples.record(env, pool, lastCamera, MediaSamples.of(Kind.TS_HEVC_AAC), change, /* firstSeq= */ 4);
    HttpResponse<Buffer> created = post(exportsUri(lastCamera, start, change.plusSeconds(4)));
    assertEquals(202, created.statusCode(), created.bodyAsString());
    JsonObject job = awaitDone(created.getHeader("location"));
    assertEquals("failed", job.getString("state"), job.encode());
    assertTrue(job.getString("error").startsWith("configuration_change: "), job.encode());
    assertTrue(!job.containsKey("mp4"), job.encode());
  }

  @Test
  void expiredExport_isSwept_objectsAndJobGone() throws Exception {
    Instant start = record("export-expiry", Kind.TS_H264_AAC);
    HttpResponse<Buffer> created = post(exportsUri(lastCamera, start, start.plusSeconds(2)));
    String location = created.getHeader("location");
    JsonObject job = awaitDone(location);
    String mp4Url = job.getJsonObject("mp4").getString("url");
    assertEquals(200, status(mp4Url));
    await(pool.preparedQuery("UPDATE ingest.clip_exports SET expires_at = now() - interval '1 second' "
        + "WHERE export_id = $1").execute(Tuple.of(UUID.fromString(job.getString("id")))));
    assertTrue(await(verticle.sweepExports()) >= 1);
    assertEquals(404, status(mp4Url), "the MP4 is deleted from the bucket");
    assertEquals(404, status(job.getJsonObject("manifest").getString("url")), "so is the manifest");
    assertEquals(404, get(location).statusCode(), "and the job");
  }

  @Test
  void tooManyRunning_is409() {
    Instant start = record("export-busy", Kind.TS_H264_AAC);
    List<UUID> others = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) { // exports.maxRunning (2): other instances' jobs, still running
        UUID id = UUID.randomUUID();
        others.add(id);
        await(pool.preparedQuery("INSERT INTO ingest.clip_exports (export_id, camera_id, start_at, end_at, state, "
            + "expires_at) VALUES ($1, 'elsewhere', now() - interval '1 hour', now(), 'running', now() + "
            + "interval '1 day')").execute(Tuple.of(id)));
      }
      HttpResponse<Buffer> r = post(exportsUri(lastCamera, start, start.plusSeconds(2)));
      assertEquals(409, r.statusCode(), r.bodyAsString());
      assertEquals("too_many_exports", r.bodyAsJsonObject().getString("error"));
    } finally {
      await(pool.preparedQuery("DELETE FROM ingest.clip_exports WHERE export_id = ANY($1::uuid[])")
          .execute(Tuple.of(others.toArray(UUID[]::new))));
    }
  }

  @Test
  void rangeOverTheExportLimit_is413() {
    HttpResponse<Buffer> r = post(exportsUri("cam-a", Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2026-01-01T01:00:01Z")));
    assertEquals(413, r.statusCode(), r.bodyAsString());
    assertEquals("range_too_long", r.bodyAsJsonObject().getString("error"));
    assertTrue(r.bodyAsJsonObject().getString("message").contains("60 minutes"), r.bodyAsString());
  }

  @Test
  void missingStart_is400() {
    assertBadRequest(post("/api/v1/cameras/cam-a/exports?end=2026-01-01T00:00:10Z"), "start");
  }

  @Test
  void invalidStart_is400() {
    assertBadRequest(post("/api/v1/cameras/cam-a/exports?start=yesterday&end=2026-01-01T00:00:10Z"), "start");
  }

  @Test
  void missingEnd_is400() {
    assertBadRequest(post("/api/v1/cameras/cam-a/exports?start=2026-01-01T00:00:00Z"), "end");
  }

  @Test
  void jobWhoseInstanceStopped_readsFailedAfterMaxRunMinutes() {
    String camera = TestStack.camera("export-stale");
    UUID id = UUID.randomUUID();
    await(pool.preparedQuery("INSERT INTO ingest.clip_exports (export_id, camera_id, start_at, end_at, state, "
        + "created_at, expires_at) VALUES ($1, $2, now() - interval '2 hours', now() - interval '1 hour', 'running', "
        + "now() - interval '31 minutes', now() + interval '1 day')").execute(Tuple.of(id, camera)));
    HttpResponse<Buffer> r = get("/api/v1/cameras/" + camera + "/exports/" + id);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("failed", r.bodyAsJsonObject().getString("state"), "exports.maxRunMinutes (30) passed");
    assertTrue(r.bodyAsJsonObject().getString("error").contains("stopped with the instance"), r.bodyAsString());
  }

  @Test
  void invalidEnd_is400() {
    assertBadRequest(post("/api/v1/cameras/cam-a/exports?start=2026-01-01T00:00:00Z&end=soon"), "end");
  }

  @Test
  void endBeforeStart_is400() {
    assertBadRequest(post("/api/v1/cameras/cam-a/exports?start=2026-01-01T00:00:10Z&end=2026-01-01T00:00:00Z"),
        "end must be after start");
  }

  @Test
  void invalidCameraId_is400() {
    assertBadRequest(post("/api/v1/cameras/bad%20id/exports?start=2026-01-01T00:00:00Z&end=2026-01-01T00:00:10Z"),
        "id");
  }

  @Test
  void unknownCamera_is404() {
    HttpResponse<Buffer> r = post(exportsUri(TestStack.camera("export-nobody"), Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2026-01-01T00:10:00Z")));
    assertEquals(404, r.statusCode(), r.bodyAsString());
    assertEquals("unknown_camera", r.bodyAsJsonObject().getString("error"));
  }

  @Test
  void nothingRecorded_is404() {
    String camera = TestStack.camera("export-empty");
    TestStack.register(pool, camera);
    HttpResponse<Buffer> r = post(exportsUri(camera, Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2026-01-01T00:10:00Z")));
    assertEquals(404, r.statusCode(), r.bodyAsString());
    assertTrue(r.bodyAsJsonObject().getString("message").contains("nothing recorded"), r.bodyAsString());
  }

  @Test
  void otherCamerasViewer_is403(Vertx vertx) {
    Instant start = record("export-403", Kind.TS_H264_AAC);
    HttpResponse<Buffer> r = await(client.post(port, "127.0.0.1", exportsUri(lastCamera, start,
        start.plusSeconds(2))).bearerTokenAuthentication(TestStack.token(vertx, "someone-else")).send());
    assertEquals(403, r.statusCode(), r.bodyAsString());
  }

  @Test
  void malformedExportId_is400() {
    assertBadRequest(get("/api/v1/cameras/cam-a/exports/not-a-uuid"), "exportId");
  }

  @Test
  void unknownExport_is404() {
    HttpResponse<Buffer> r = get("/api/v1/cameras/cam-a/exports/" + UUID.randomUUID());
    assertEquals(404, r.statusCode(), r.bodyAsString());
  }

  @Test
  void exportAskedForUnderAnotherCamera_is404() {
    Instant start = record("export-other", Kind.TS_H264_AAC);
    String location = post(exportsUri(lastCamera, start, start.plusSeconds(2))).getHeader("location");
    HttpResponse<Buffer> r = get(location.replace("/cameras/" + lastCamera + "/", "/cameras/cam-a/"));
    assertEquals(404, r.statusCode(), "an export is found only under its own camera: " + r.bodyAsString());
    awaitDone(location);
  }

  private static String lastCamera;
  private static MediaSamples.Recorded recorded;

  /** The kind's three 2 s segments recorded by a fresh camera from a minute ago; returns where they start. */
  private static Instant record(String name, Kind kind) {
    String camera = TestStack.camera(name);
    TestStack.register(pool, camera);
    Instant start = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    recorded = MediaSamples.record(env, pool, camera, MediaSamples.of(kind), start, /* firstSeq= */ 1);
    lastCamera = camera;
    return start;
  }

  private static JsonObject awaitDone(String location) {
    return Await.until("the export finishes", DONE_WITHIN, () -> get(location).bodyAsJsonObject(),
        j -> !"running".equals(j.getString("state")));
  }

  private static String exportsUri(String camera, Instant start, Instant end) {
    return "/api/v1/cameras/" + camera + "/exports?start=" + enc(start.toString()) + "&end=" + enc(end.toString());
  }

  private static HttpResponse<Buffer> post(String uri) {
    return await(client.post(port, "127.0.0.1", uri).bearerTokenAuthentication(token).send());
  }

  private static HttpResponse<Buffer> get(String uri) {
    return await(client.get(port, "127.0.0.1", uri).bearerTokenAuthentication(token).send());
  }

  private static void assertBadRequest(HttpResponse<Buffer> r, String mentions) {
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertTrue(r.bodyAsJsonObject().getString("message").contains(mentions), r.bodyAsString());
  }

  /** A presigned URL fetched as a browser would: no token, no other header. */
  private static byte[] fetch(String url) throws Exception {
    var r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), url);
    return r.body();
  }

  private static int status(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** ISO/IEC 14496-12 §4.2: each box starts with its 32-bit size (1: a 64-bit size follows the type) and type. */
  static List<String> topLevelBoxes(byte[] mp4) {
    List<String> types = new ArrayList<>();
    long pos = 0;
    while (pos + 8 <= mp4.length) {
      int p = (int) pos;
      long size = ((mp4[p] & 0xFFL) << 24) | ((mp4[p + 1] & 0xFFL) << 16) | ((mp4[p + 2] & 0xFFL) << 8)
          | (mp4[p + 3] & 0xFFL);
      types.add(new String(mp4, p + 4, 4, StandardCharsets.US_ASCII));
      if (size == 1) {
        size = 0;
        for (int i = 0; i < 8; i++) size = (size << 8) | (mp4[p + 8 + i] & 0xFFL);
      } else if (size == 0) {
        size = mp4.length - pos; // to the end of the file
      }
      assertTrue(size >= 8, "box size " + size + " at " + pos);
      pos += size;
    }
    assertEquals(mp4.length, pos, "the boxes end where the file does");
    return types;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
