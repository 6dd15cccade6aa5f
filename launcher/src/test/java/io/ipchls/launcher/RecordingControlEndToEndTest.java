package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.Camera;
import io.ipchls.device.segment.DeviceClock;
import io.ipchls.device.sim.SimulatedCamera;
import io.ipchls.infra.Await;
import io.ipchls.infra.WebhookReceiver;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.RecordingEvent;
import io.ipchls.protocol.WebhookSignature;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Recording control end to end on the whole local system: template → task → a simulated camera records with the
 * template's segment length under the template's prefix → it drops and returns (within the gap: one recording; with
 * its clock 200 s on: two) → stop → the outbox holds started/stopped/index-ready → DescribeRecordFiles returns the
 * recording, whose playlist plays in ffmpeg → the index file in the bucket is a VOD M3U8 whose segments all exist, and
 * a copy of the bucket's objects plays in ffmpeg from the index alone; the template's webhook (a real HTTP receiver
 * here) got started, stopped and index-ready, each signed with its secret (checked by the receiver and again here
 * with the JDK's HMAC alone).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RecordingControlEndToEndTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int FPS = 10;
  @TempDir static Path data;
  static LocalSystem sys;
  static Vertx receiverVertx;
  static WebhookReceiver receiver;

  @BeforeAll
  static void startSystem() throws Exception {
    sys = LocalSystem.start(EndToEndTest.testConfig(data, "ipc-hls-rc-e2e", 5911));
    receiverVertx = Vertx.vertx();
    receiver = WebhookReceiver.start(receiverVertx).await();
  }

  @AfterAll
  static void stopSystem() {
    if (receiver != null) receiver.close();
    if (receiverVertx != null) receiverVertx.close().await();
    if (sys != null) sys.close();
  }

  private static JsonObject api(String method, String path, JsonObject body, int status) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(sys.ingestUrl().resolve("/api/v1" + path))
        .header("Authorization", "Bearer " + sys.adminToken()).header("content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, r.statusCode(), method + " " + path + ": " + r.body());
    return new JsonObject(r.body());
  }

  /** Runs the camera (its own process, as after a reboot) until {@code segments} more of its segments are indexed. */
  private static void recordSession(String cam, String secret, long clockOffsetMs, int segments) throws Exception {
    int before = files("cameraId=" + cam).stream().mapToInt(f -> f.getInteger("segmentCount")).sum();
    Camera camera = Camera.builder().cameraId(cam).secret(secret).mqtt(sys.mqttHost(), sys.mqttPort())
        .mqttTls(true).trustedCa(sys.caFile())
        .segmentSeconds(5) // the template's 2 s must win, from the retained command
        .clock(DeviceClock.wallOnly(() -> System.currentTimeMillis() + clockOffsetMs)).build();
    SimulatedCamera source = new SimulatedCamera(/* width= */ 640, /* height= */ 360, FPS, FPS, cam,
        camera::putFrame);
    camera.start();
    source.start();
    try {
      Await.until(segments + " more segments of " + cam, Duration.ofSeconds(60),
          () -> files("cameraId=" + cam).stream().mapToInt(f -> f.getInteger("segmentCount")).sum(),
          n -> n >= before + segments);
    } finally {
      source.close();
      camera.close();
    }
  }

  private static List<JsonObject> files(String query) {
    try {
      JsonArray a = api("GET", "/record-files?pageSize=100&" + query, null, 200).getJsonArray("files");
      List<JsonObject> out = new ArrayList<>();
      a.forEach(o -> out.add((JsonObject) o));
      return out;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<RecordingEvent> events(String cam) {
    JsonObject db = sys.db();
    String url = "jdbc:postgresql://" + db.getString("host") + ":" + db.getInteger("port") + "/"
        + db.getString("database");
    try (var c = DriverManager.getConnection(url, db.getString("user"), db.getString("password"));
         var st = c.prepareStatement("SELECT payload::text FROM ingest.recording_events WHERE camera_id = ? "
             + "ORDER BY event_id")) {
      st.setString(1, cam);
      List<RecordingEvent> out = new ArrayList<>();
      try (var rs = st.executeQuery()) {
        while (rs.next()) out.add(Json.decode(rs.getString(1).getBytes(), RecordingEvent.class));
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static long count(List<RecordingEvent> events, String type) {
    return events.stream().filter(e -> e.type().equals(type)).count();
  }

  @Test
  void templateTaskCameraStop_eventsRecordFilesPlayableAndIndexFileInTheBucket() throws Exception {
    EndToEndTest.Ffprobe.require();
    String cam = "rc-cam";
    String secret = new AdminClient(sys.credentialUrl(), sys.adminToken()).registerOrRotate(cam);
    JsonObject webhook = api("POST", "/webhooks", new JsonObject().put("url", receiver.url("/hooks/e2e")), 201);
    String webhookId = webhook.getString("id");
    String webhookSecret = webhook.getString("secret");
    receiver.secret(webhookId, webhookSecret);
    String tpl = api("POST", "/record-templates", new JsonObject().put("name", "e2e").put("segmentSeconds", 2)
        .put("retentionDays", 2).put("indexPeriodSeconds", 3600).put("prefixPattern", "{prefix}/rec/{task}")
        .put("callbacks", new JsonObject().put("events", new JsonArray(RecordingEvent.TYPES))
            .put("webhooks", new JsonArray().add(webhookId))), 201).getString("id");
    JsonObject task = api("POST", "/record-tasks", new JsonObject().put("templateId", tpl)
        .put("cameraIds", new JsonArray().add(cam)), 201);
    String taskId = task.getString("id");
    String keyPrefix = cam + "/rec/" + taskId;
    assertEquals(keyPrefix, task.getJsonArray("cameras").getJsonObject(0).getString("keyPrefix"));

    recordSession(cam, secret, /* clockOffsetMs= */ 0, /* segments= */ 3);
    recordSession(cam, secret, /* clockOffsetMs= */ 0, /* segments= */ 2); // back within seconds: the same recording
    assertEquals(1, files("cameraId=" + cam).size(), "a camera back within 180 s continues its recording");
    // back with a clock 200 s on: past the gap, a second recording
    recordSession(cam, secret, /* clockOffsetMs= */ 200_000, /* segments= */ 2);
    assertEquals(2, files("cameraId=" + cam).size(), "a camera back after more than 180 s starts a new recording");

    api("POST", "/record-tasks/" + taskId + "/stop", null, 200);
    // Index files are per UTC hour (indexPeriodSeconds 3600): when the sessions span the top of an hour, the last
    // hour's file is committed tens of milliseconds after the stop event, in its own transaction. So wait until the
    // files ready list every segment of the task, not just until the first is ready.
    List<RecordingEvent> events = Await.until("events of the task", Duration.ofSeconds(90), () -> events(cam),
        e -> count(e, RecordingEvent.RECORDING_STOPPED) == 2 && count(e, RecordingEvent.INDEX_READY) >= 1
            && e.stream().filter(r -> r.type().equals(RecordingEvent.INDEX_READY))
                .mapToInt(RecordingEvent::segmentCount).sum()
                == files("taskId=" + taskId).get(0).getInteger("segmentCount"));
    assertEquals(2, count(events, RecordingEvent.RECORDING_STARTED), events.toString());
    assertTrue(count(events, RecordingEvent.CAMERA_ONLINE) >= 1, events.toString());
    RecordingEvent firstStop = events.stream().filter(e -> e.type().equals(RecordingEvent.RECORDING_STOPPED))
        .findFirst().orElseThrow();
    assertEquals(RecordingEvent.REASON_GAP, firstStop.reason());
    assertEquals(taskId, firstStop.taskId());

    // DescribeRecordFiles by task: the recording made while the task ran, with a playlist that plays
    List<JsonObject> byTask = files("taskId=" + taskId);
    assertEquals(1, byTask.size(), byTask.toString());
    JsonObject file = byTask.get(0);
    assertTrue(file.getInteger("segmentCount") >= 5, file.encode());
    assertTrue(file.getString("playlistUrl").startsWith(sys.playlistUrl() + "/replay.m3u8?"), file.encode());
    String playable = file.getString("playlistUrl") + "&token=" + sys.viewerToken(600, cam);
    String replay = HTTP.send(HttpRequest.newBuilder(URI.create(playable)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    EndToEndTest.Playlist pl = EndToEndTest.Playlist.parse(replay);
    // cut at the first key frame (about 1 s GOPs; a loaded machine's simulated camera skips frames, so a cut can come
    // a key frame or two late: 4.2 s was seen at load 12) after the template's 2 s, never at the camera's own 5 s,
    // which would make every segment but a session's last at least 5 s; the last of each session is cut by the drop
    assertTrue(pl.durationsMs.stream().filter(d -> d >= 2000L).count() >= 3, "the template's 2 s:\n" + replay);
    assertTrue(pl.durationsMs.stream().allMatch(d -> d < 5000L), "the camera's 5 s is overridden:\n" + replay);
    EndToEndTest.Ffprobe.checkPlaylistPlays(playable);

    // the index file: a VOD playlist in the bucket beside the segments, every segment there, playable from a copy
    List<RecordingEvent> ready = events.stream().filter(e -> e.type().equals(RecordingEvent.INDEX_READY)).toList();
    Path copy = Files.createDirectories(data.resolve("bucket-copy"));
    try (S3Client s3 = s3Client()) {
      for (RecordingEvent r : ready) {
        assertTrue(r.indexKey().startsWith(keyPrefix + "/index/"), r.indexKey());
        String m3u8 = s3.getObjectAsBytes(b -> b.bucket(r.bucket()).key(r.indexKey())).asUtf8String();
        assertTrue(m3u8.startsWith("#EXTM3U") && m3u8.endsWith("#EXT-X-ENDLIST\n"), m3u8);
        EndToEndTest.Playlist index = EndToEndTest.Playlist.parse(m3u8);
        assertEquals(r.segmentCount(), index.uris.size(), m3u8);
        Path local = copy.resolve(r.indexKey());
        Files.createDirectories(local.getParent());
        Files.writeString(local, m3u8);
        for (String uri : index.uris) {
          String key = URI.create("s3://bucket/" + r.indexKey()).resolve(uri).getPath().substring(1);
          assertTrue(key.startsWith(keyPrefix + "/"), "segment under the template's prefix: " + key);
          byte[] ts = s3.getObjectAsBytes(b -> b.bucket(r.bucket()).key(key)).asByteArray();
          Path seg = copy.resolve(key);
          Files.createDirectories(seg.getParent());
          Files.write(seg, ts);
        }
        EndToEndTest.Ffprobe.checkPlaylistPlays(local.toString());
      }
    }
    assertEquals(ready.stream().mapToInt(RecordingEvent::segmentCount).sum(), file.getInteger("segmentCount"),
        "the task's index files list exactly the task's segments");

    // the template's webhook got started, stopped and index-ready, each signed with the secret it was given
    Set<String> wanted = Set.of(RecordingEvent.RECORDING_STARTED, RecordingEvent.RECORDING_STOPPED,
        RecordingEvent.INDEX_READY);
    Set<String> expectedIds = events.stream().filter(e -> wanted.contains(e.type())).map(RecordingEvent::id)
        .collect(Collectors.toSet());
    List<WebhookReceiver.Received> calls = Await.until("webhook deliveries", Duration.ofSeconds(60),
        () -> receiver.received(webhookId), r -> r.stream().map(c -> new JsonObject(c.body()).getString("id"))
            .collect(Collectors.toSet()).containsAll(expectedIds));
    for (WebhookReceiver.Received c : calls) {
      assertEquals(WebhookSignature.Verdict.VALID, c.verdict(), c.toString());
      assertEquals(c.signature(), "sha256=" + hmacSha256Hex(webhookSecret, c.timestamp() + "." + c.body()),
          "signature recomputed with the JDK alone: " + c);
      assertTrue(Math.abs(System.currentTimeMillis() / 1000 - c.timestamp()) < 300, c.toString());
      JsonObject body = new JsonObject(c.body());
      assertEquals(c.eventType(), body.getString("type"));
      assertEquals(cam, body.getString("cameraId"));
    }
    for (String type : wanted) {
      assertTrue(calls.stream().anyMatch(c -> c.eventType().equals(type)), type + " delivered: " + calls);
    }
  }

  private static String hmacSha256Hex(String key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
  }

  private static S3Client s3Client() {
    JsonObject s3 = sys.s3();
    // the stack's S3 speaks HTTPS with a certificate of its local CA
    return S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder().tlsTrustManagersProvider(
            () -> io.ipchls.kit.tls.PemTrust.trustManagers("s3.caFile", sys.caFile())))
        .region(Region.of(s3.getString("region"))).endpointOverride(URI.create(s3.getString("endpoint")))
        .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            s3.getString("accessKeyId"), s3.getString("secretAccessKey")))).build();
  }
}
