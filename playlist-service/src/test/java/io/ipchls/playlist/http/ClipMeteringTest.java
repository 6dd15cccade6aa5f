package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.MediaSamples;
import io.ipchls.playlist.MediaSamples.Kind;
import io.ipchls.playlist.PlaylistConfig;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.metering.MeteringConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 19 item 1 for the bytes that leave through clip export: a {@code clip.mp4} download (ffmpeg's media, stored
 * in S3Proxy, indexed as ingest indexes it) and an export job add to the camera's day row in {@code
 * ingest.usage_daily_v1} once the instance flushed: one request each, exactly the bytes received (a download the
 * client cut short: no less than it received, not the whole file), an export's MP4 as stored; refusals add nothing.
 *
 * <p>"Adds nothing" is awaited without sleeping: a flush takes every count made before it, so once a download of
 * another camera counted after the refusal is in the database, a count of the refusal would be too.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClipMeteringTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final TestStack env = new TestStack();
  private static Pool pool;
  private static WebClient client;
  private static String token;
  private static int port;
  /** A camera whose HEAD requests mark a point in the meter's counts (see the class comment). */
  private static String marker;
  private static String markerClip;

  @BeforeAll
  static void start(Vertx vertx) {
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
    var verticle = new PlaylistHttpVerticle(flushingEverySecond(env.config(/* maxReplayHours= */ 24)));
    await(vertx.deployVerticle(verticle));
    port = verticle.port();
    client = WebClient.create(vertx);
    token = TestStack.token(vertx, "*");
    Instant start = record("meter-marker", /* times= */ 1);
    marker = lastCamera;
    markerClip = clipUri(marker, start, start.plusSeconds(6));
  }

  @Test
  void download_countsOneRequestAndExactlyTheBytesReceived() {
    Instant start = record("meter-clip", /* times= */ 1);
    HttpResponse<Buffer> r = get(clipUri(lastCamera, start.plusSeconds(1), start.plusSeconds(5)), null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    Served served = awaitBytes(lastCamera);
    assertEquals(new Served(1, /* segments= */ 3, r.body().length()), served);
  }

  @Test
  void rangeRequest_countsOneRequestAndTheRangesBytes() {
    Instant start = record("meter-range", /* times= */ 1);
    HttpResponse<Buffer> r = get(clipUri(lastCamera, start, start.plusSeconds(6)), "bytes=0-99");
    assertEquals(206, r.statusCode(), r.bodyAsString());
    assertEquals(100, r.body().length());
    assertEquals(new Served(1, /* segments= */ 0, 100), awaitBytes(lastCamera), "the header only: no segment");
  }

  @Test
  void head_countsOneRequestAndNoBytes() {
    Instant start = record("meter-head", /* times= */ 1);
    HttpResponse<Buffer> r = await(client.head(port, "127.0.0.1", clipUri(lastCamera, start, start.plusSeconds(6)))
        .bearerTokenAuthentication(token).send());
    assertEquals(200, r.statusCode());
    assertTrue(Long.parseLong(r.getHeader("content-length")) > 0);
    assertEquals(new Served(1, 0, 0), afterMarker(lastCamera));
  }

  @Test
  void downloadCutShort_countsWhatWasWritten_notTheWholeFile() throws IOException {
    // big enough that the file cannot all sit in the sockets' buffers when the client stops reading
    Instant start = record("meter-cut", /* times= */ 12);
    String uri = clipUri(lastCamera, start, start.plusSeconds(12 * 6));
    long received;
    long length;
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096); // before connecting: the window the server may fill stays small
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      length = contentLength(head);
      received = in.readNBytes(64 * 1024).length;
    } // closed with unread bytes: the server's connection is reset
    long total = length;
    assertTrue(total > 4 * 1024 * 1024, "a file of " + total + " bytes is too small to be cut short");
    Served served = awaitBytes(lastCamera);
    assertEquals(1, served.requests());
    assertTrue(served.bytes() >= received, "counted " + served.bytes() + ", the client received " + received);
    assertTrue(served.bytes() < total, "counted " + served.bytes() + " of " + total + ": not the whole file");
  }

  @Test
  void exportJob_countsItsRequest_andOnceDoneItsMp4AsStoredAndItsSegments() throws Exception {
    Instant start = record("meter-export", /* times= */ 1);
    HttpResponse<Buffer> created = post(exportsUri(lastCamera, start.plusSeconds(1), start.plusSeconds(5)));
    assertEquals(202, created.statusCode(), created.bodyAsString());
    JsonObject job = awaitFinished(created.getHeader("location"));
    assertEquals("done", job.getString("state"), job.encode());
    HttpResponse<Buffer> manifest = await(client.getAbs(job.getJsonObject("manifest").getString("url")).send());
    String mp4Key = manifest.bodyAsJsonObject().getJsonObject("mp4").getString("key");
    long stored;
    try (S3Client s3 = env.rootS3()) {
      stored = s3.headObject(h -> h.bucket(env.stack.s3().bucket()).key(mp4Key)).contentLength();
    }
    assertEquals(new Served(1, /* segments= */ 3, stored), awaitBytes(lastCamera),
        "one request (asking how the job stands is not one), the MP4's Content-Length, the three segments read");
  }

  @Test
  void exportJobThatFails_countsItsRequestOnly() {
    String camera = TestStack.camera("meter-export-failed");
    TestStack.register(pool, camera);
    // indexed, never uploaded: the job fails reading the segment from the store
    var missing = TestStack.contiguous(camera, Instant.now().minusSeconds(60), 2000);
    TestStack.insert(pool, missing);
    HttpResponse<Buffer> created = post(exportsUri(camera, missing.get(0).start(),
        missing.get(0).start().plusSeconds(2)));
    assertEquals(202, created.statusCode(), created.bodyAsString());
    JsonObject job = awaitFinished(created.getHeader("location"));
    assertEquals("failed", job.getString("state"), job.encode());
    assertEquals(new Served(1, 0, 0), afterMarker(camera));
  }

  @Test
  void refusedBadRange_400_countsNothing() {
    Instant start = record("meter-400", /* times= */ 1);
    HttpResponse<Buffer> r = get(clipUri(lastCamera, start.plusSeconds(5), start.plusSeconds(1)), null);
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals(new Served(0, 0, 0), afterMarker(lastCamera));
  }

  @Test
  void refusedOtherCamerasViewer_403_countsNothing(Vertx vertx) {
    Instant start = record("meter-403", /* times= */ 1);
    HttpResponse<Buffer> r = await(client.get(port, "127.0.0.1", clipUri(lastCamera, start, start.plusSeconds(6)))
        .bearerTokenAuthentication(TestStack.token(vertx, "someone-else")).send());
    assertEquals(403, r.statusCode(), r.bodyAsString());
    assertEquals(new Served(0, 0, 0), afterMarker(lastCamera));
  }

  @Test
  void refusedNothingRecorded_404_countsNothing() {
    record("meter-404", /* times= */ 1);
    HttpResponse<Buffer> r = get(clipUri(lastCamera, Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2026-01-01T01:00:00Z")), null);
    assertEquals(404, r.statusCode(), r.bodyAsString());
    assertEquals(new Served(0, 0, 0), afterMarker(lastCamera));
  }

  @Test
  void refusedRangePastTheEnd_416_countsNothing() {
    Instant start = record("meter-416", /* times= */ 1);
    String uri = clipUri(lastCamera, start, start.plusSeconds(6));
    HttpResponse<Buffer> r = get(uri, "bytes=999999999-");
    assertEquals(416, r.statusCode(), r.bodyAsString());
    assertEquals(new Served(0, 0, 0), afterMarker(lastCamera));
  }

  @Test
  void refusedExport_413_countsNothing() {
    Instant start = record("meter-export-413", /* times= */ 1);
    HttpResponse<Buffer> r = post(exportsUri(lastCamera, start, start.plus(Duration.ofMinutes(61))));
    assertEquals(413, r.statusCode(), r.bodyAsString());
    assertEquals(new Served(0, 0, 0), afterMarker(lastCamera));
  }

  /** The job once it is no longer running (its state asked for every 25 ms: none of those GETs may count). */
  private static JsonObject awaitFinished(String location) {
    return Await.until("the export finishes", DEADLINE, () -> get(location, null).bodyAsJsonObject(),
        j -> !"running".equals(j.getString("state")));
  }

  /** What the camera's day rows hold (summed: a test that runs across midnight UTC has two). */
  record Served(long requests, long segments, long bytes) {}

  private static Served served(String camera) {
    Row row = await(pool.preparedQuery("SELECT coalesce(sum(playback_requests), 0)::bigint AS requests, "
        + "coalesce(sum(segments_served), 0)::bigint AS segments, coalesce(sum(bytes_served), 0)::bigint AS bytes "
        + "FROM ingest.usage_daily_v1 WHERE camera_id = $1").execute(Tuple.of(camera))).iterator().next();
    return new Served(row.getLong("requests"), row.getLong("segments"), row.getLong("bytes"));
  }

  /** The counts once bytes were counted: a clip's bytes are metered in one go when its answer ends. */
  private static Served awaitBytes(String camera) {
    return Await.until("bytes served of " + camera, DEADLINE, () -> served(camera), s -> s.bytes() > 0);
  }

  /** The camera's counts once everything counted before this call is in the database. */
  private static Served afterMarker(String camera) {
    long before = served(marker).requests();
    HttpResponse<Buffer> r = await(client.head(port, "127.0.0.1", markerClip).bearerTokenAuthentication(token).send());
    assertEquals(200, r.statusCode());
    Await.until("the marker's request counted", DEADLINE, () -> served(marker).requests(), n -> n > before);
    return served(camera);
  }

  private static String lastCamera;

  /**
   * A fresh camera's recording: the TS sample's three 2 s segments {@code times} times over, back to back, ending a
   * minute ago; returns where it starts.
   */
  private static Instant record(String name, int times) {
    String camera = TestStack.camera(name);
    TestStack.register(pool, camera);
    MediaSamples.Sample sample = MediaSamples.of(Kind.TS_H264_AAC);
    Instant start = Instant.now().minusSeconds(60L + 6L * times).truncatedTo(ChronoUnit.MILLIS);
    Instant t = start;
    for (int i = 0; i < times; i++) {
      MediaSamples.record(env, pool, camera, sample, t, /* firstSeq= */ 1 + 3L * i);
      t = MediaSamples.end(sample, t);
    }
    lastCamera = camera;
    return start;
  }

  private static PlaylistConfig flushingEverySecond(PlaylistConfig c) {
    return new PlaylistConfig(c.http(), c.db(), c.s3(), c.liveWindowSegments(), c.liveLookbackSeconds(),
        c.liveRefreshSeconds(), c.liveTargetDurationSeconds(), c.presignSeconds(), c.maxReplayHours(),
        c.segmentAccess(), c.viewer(), c.adminTokenSha256(), c.cors(), c.exports(),
        new MeteringConfig(c.usage().prices(), /* flushSeconds= */ 1));
  }

  private static String clipUri(String camera, Instant start, Instant end) {
    return "/api/v1/cameras/" + camera + "/clip.mp4?start=" + enc(start.toString()) + "&end=" + enc(end.toString());
  }

  private static String exportsUri(String camera, Instant start, Instant end) {
    return "/api/v1/cameras/" + camera + "/exports?start=" + enc(start.toString()) + "&end=" + enc(end.toString());
  }

  private static HttpResponse<Buffer> get(String uri, String range) {
    var req = client.get(port, "127.0.0.1", uri).bearerTokenAuthentication(token);
    if (range != null) req.putHeader("range", range);
    return await(req.send());
  }

  private static HttpResponse<Buffer> post(String uri) {
    return await(client.post(port, "127.0.0.1", uri).bearerTokenAuthentication(token).send());
  }

  /** The status line and headers, up to the blank line (RFC 9112 §2.1), read byte by byte so no body byte is taken. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) throw new AssertionError("connection closed in the headers: " + head);
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        return head.toString(StandardCharsets.US_ASCII);
      }
    }
  }

  private static long contentLength(String head) {
    return head.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
        .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst()
        .orElseThrow(() -> new AssertionError("no Content-Length: " + head));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
