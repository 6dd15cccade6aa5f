package io.ipchls.ingest.control;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.shared.IngestPools;
import static io.ipchls.ingest.control.ControlTestSupport.count;
import static io.ipchls.ingest.IngestTestSupport.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.LocalStack;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.RecordingEvent;
import io.ipchls.protocol.SegmentNotification;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Recording events and index files, with two instances of the job running at once on the same database (as two
 * ingest instances would): every event must be written once.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecordingEventsTest {
  private static final AtomicLong SEQ = new AtomicLong(1000);
  private static ControlTestSupport api;
  private static RecordingControlVerticle jobA;
  private static RecordingControlVerticle jobB;

  @BeforeAll
  static void start(Vertx vertx) {
    JsonObject overrides = new JsonObject().put("s3", IngestTestSupport.s3Json(LocalStack.sharedForTests()))
        .put("controlIntervalSeconds", 3600) // the service's own runs stay out of the way: the test runs the jobs
        .put("settleSeconds", 1).put("playlistBaseUrl", "http://playlist.test:8080/");
    IngestTestSupport ingest = new IngestTestSupport(vertx, overrides).start();
    api = new ControlTestSupport(ingest);
    jobA = new RecordingControlVerticle(ingest.config.control(), new IngestPools(ingest.config.db()),
        new SimpleMeterRegistry());
    jobB = new RecordingControlVerticle(ingest.config.control(), new IngestPools(ingest.config.db()),
        new SimpleMeterRegistry());
    await(vertx.deployVerticle(jobA));
    await(vertx.deployVerticle(jobB));
  }

  /** Both instances' jobs at the same time, then the camera's events. */
  private static List<RecordingEvent> runBoth(String cameraId) {
    await(Future.all(jobA.runOnce(), jobB.runOnce()));
    return api.events(cameraId);
  }

  private static SegmentNotification segment(String key, long start, long durationMs, int bytes) {
    return new SegmentNotification(SegmentNotification.VERSION, key, start, durationMs, bytes, null,
        SEQ.incrementAndGet(), "avc1.42c01e", /* width= */ 640, /* height= */ 360, System.currentTimeMillis(), null,
        null);
  }

  /** Stores the segment's bytes and announces it, as a camera does. */
  private static SegmentNotification record(IngestTestSupport.Camera cam, String prefix, long start, long durationMs,
      Map<String, byte[]> stored) {
    long seq = SEQ.incrementAndGet();
    String key = ObjectKeys.segmentKey(prefix, Instant.ofEpochMilli(start), seq);
    byte[] bytes = ("segment " + key).getBytes(StandardCharsets.UTF_8);
    api.ingest.putObject(key, bytes);
    stored.put(key, bytes);
    SegmentNotification n = segment(key, start, durationMs, bytes.length);
    cam.publish(n);
    return n;
  }

  @Test
  void taskCycle_twoInstances_writeEachEventOnce_andAPlayableIndexFile() {
    String camera = api.register("events", null);
    String tpl = api.createTemplate(ControlTestSupport.template("events"));
    JsonObject task = api.startTask(tpl, camera);
    String taskId = task.getString("id");
    String prefix = task.getJsonArray("cameras").getJsonObject(0).getString("keyPrefix");
    long t0 = task.getJsonArray("cameras").getJsonObject(0).getLong("since");
    Map<String, byte[]> stored = new HashMap<>();
    List<SegmentNotification> segs = new ArrayList<>();
    try (var cam = api.ingest.camera(camera)) {
      segs.add(record(cam, prefix, t0 + 100, 1000, stored));
      segs.add(record(cam, prefix, t0 + 1100, 1000, stored));
      segs.add(record(cam, prefix, t0 + 4100, 1000, stored)); // 2 s after the previous one's end: a discontinuity
      api.ingest.awaitKeys(camera, keys -> keys.size() == 3);
    }
    assertEquals(1, count(runBoth(camera), RecordingEvent.RECORDING_STARTED));
    // the stop comes after the last segment began (server and test share the clock)
    Await.until("the last segment has begun", Duration.ofSeconds(10), () -> System.currentTimeMillis() > t0 + 4300);
    api.ok(POST, "/record-tasks/" + taskId + "/stop", null, 200);
    Await.until("stopped and indexed", Duration.ofMillis(IngestTestSupport.TIMEOUT_MS), () -> runBoth(camera),
        e -> count(e, RecordingEvent.RECORDING_STOPPED) > 0 && count(e, RecordingEvent.INDEX_READY) > 0);
    for (int i = 0; i < 3; i++) runBoth(camera);
    List<RecordingEvent> events = api.events(camera);
    assertEquals(1, count(events, RecordingEvent.RECORDING_STARTED), events.toString());
    assertEquals(1, count(events, RecordingEvent.RECORDING_STOPPED), events.toString());

    RecordingEvent stopped = only(events, RecordingEvent.RECORDING_STOPPED);
    assertEquals(RecordingEvent.REASON_TASK_STOPPED, stopped.reason());
    assertEquals(taskId, stopped.taskId());
    assertEquals(tpl, stopped.templateId());
    assertEquals(t0 + 100, stopped.start());
    assertEquals(t0 + 5100, stopped.end());
    assertEquals(5000, stopped.durationMs());
    assertEquals(3, stopped.segmentCount());
    assertEquals(stored.values().stream().mapToLong(b -> b.length).sum(), stopped.bytes());
    assertTrue(stopped.playlistUrl().startsWith("http://playlist.test:8080/replay.m3u8?camera_id=" + camera + "&start="),
        stopped.playlistUrl());
    assertEquals(stopped.recordingId(), only(events, RecordingEvent.RECORDING_STARTED).recordingId());

    // index files: together they list the three segments, each URI resolves to the stored object
    List<RecordingEvent> ready = events.stream().filter(e -> e.type().equals(RecordingEvent.INDEX_READY)).toList();
    assertEquals(3, ready.stream().mapToInt(RecordingEvent::segmentCount).sum());
    var rows = await(api.ingest.pool.preparedQuery("SELECT count(*) FROM ingest.index_files WHERE task_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(taskId)));
    assertEquals(ready.size(), rows.iterator().next().getLong(0), "one recorded index file per index.ready");
    List<String> listed = new ArrayList<>();
    try (S3Client s3 = IngestTestSupport.s3Client(LocalStack.sharedForTests())) {
      for (RecordingEvent r : ready) {
        assertTrue(r.indexKey().startsWith(prefix + "/index/"), r.indexKey());
        assertEquals(LocalStack.sharedForTests().s3().bucket(), r.bucket());
        String m3u8 = s3.getObjectAsBytes(b -> b.bucket(r.bucket()).key(r.indexKey())).asUtf8String();
        List<String> uris = checkVod(m3u8);
        assertEquals(r.segmentCount(), uris.size());
        for (String uri : uris) {
          assertTrue(!uri.contains(":"), "relative URI " + uri);
          String key = URI.create("s3://b/" + r.indexKey()).resolve(uri).getPath().substring(1);
          assertArrayEquals(stored.get(key), s3.getObjectAsBytes(b -> b.bucket(r.bucket()).key(key)).asByteArray(),
              "the index's segment " + uri + " is the stored object " + key);
          listed.add(key);
        }
        if (ready.size() == 1) assertEquals(1, m3u8.split("#EXT-X-DISCONTINUITY\n", -1).length - 1, m3u8);
      }
    }
    assertEquals(segs.stream().map(SegmentNotification::key).toList(), listed);

    // DescribeRecordFiles by task and by camera: the recording, with its playlist
    JsonObject byTask = api.ok(GET, "/record-files?taskId=" + taskId, null, 200);
    assertEquals(1, byTask.getLong("total"));
    JsonObject file = byTask.getJsonArray("files").getJsonObject(0);
    assertEquals(t0 + 100, file.getLong("start"));
    assertEquals(t0 + 5100, file.getLong("end"));
    assertEquals(3, file.getInteger("segmentCount"));
    assertEquals(stopped.bytes(), file.getLong("bytes"));
    assertEquals(stopped.playlistUrl(), file.getString("playlistUrl"));
    JsonObject byCamera = api.ok(GET, "/record-files?cameraId=" + camera + "&from=" + t0 + "&to=" + (t0 + 60_000),
        null, 200);
    assertEquals(stopped.recordingId(), byCamera.getJsonArray("files").getJsonObject(0).getLong("recordingId"));
  }

  /** Checks the VOD playlist's frame and returns its segment URIs. */
  private static List<String> checkVod(String m3u8) {
    assertTrue(m3u8.startsWith("#EXTM3U\n"), m3u8);
    assertTrue(m3u8.contains("#EXT-X-PLAYLIST-TYPE:VOD\n"), m3u8);
    assertTrue(m3u8.endsWith("#EXT-X-ENDLIST\n"), m3u8);
    List<String> uris = new ArrayList<>();
    String[] lines = m3u8.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith("#EXTINF:")) uris.add(lines[i + 1]);
    }
    return uris;
  }

  private static RecordingEvent only(List<RecordingEvent> events, String type) {
    List<RecordingEvent> of = events.stream().filter(e -> e.type().equals(type)).toList();
    assertEquals(1, of.size(), events.toString());
    return of.get(0);
  }

  @Test
  void cameraClockPastTheGap_makesTwoRecordings_andStopsTheFirst() {
    String camera = IngestTestSupport.cameraId("gap-over");
    long base = System.currentTimeMillis() - 600_000;
    Map<String, byte[]> stored = new HashMap<>();
    try (var cam = api.ingest.camera(camera)) {
      record(cam, camera, base, 3000, stored);
      record(cam, camera, base + 3000 + 180_001, 3000, stored); // the camera's clock says: back after 180.001 s
      api.ingest.awaitKeys(camera, keys -> keys.size() == 2);
    }
    List<RecordingEvent> events = Await.until("events", Duration.ofMillis(IngestTestSupport.TIMEOUT_MS),
        () -> runBoth(camera), e -> count(e, RecordingEvent.RECORDING_STOPPED) > 0);
    runBoth(camera);
    events = api.events(camera);
    assertEquals(2, count(events, RecordingEvent.RECORDING_STARTED), events.toString());
    RecordingEvent stopped = only(events, RecordingEvent.RECORDING_STOPPED);
    assertEquals(RecordingEvent.REASON_GAP, stopped.reason());
    assertEquals(base + 3000, stopped.end());
    assertEquals(null, stopped.taskId());
    assertEquals(2, api.ok(GET, "/record-files?cameraId=" + camera, null, 200).getLong("total"));
  }

  @Test
  void cameraBackWithinTheGap_staysOneRecording() {
    String camera = IngestTestSupport.cameraId("gap-within");
    long base = System.currentTimeMillis() - 600_000;
    Map<String, byte[]> stored = new HashMap<>();
    try (var cam = api.ingest.camera(camera)) {
      record(cam, camera, base, 3000, stored);
      record(cam, camera, base + 3000 + 180_000, 3000, stored); // exactly 180 s: the same recording
      api.ingest.awaitKeys(camera, keys -> keys.size() == 2);
    }
    runBoth(camera);
    List<RecordingEvent> events = runBoth(camera);
    assertEquals(1, count(events, RecordingEvent.RECORDING_STARTED), events.toString());
    JsonObject files = api.ok(GET, "/record-files?cameraId=" + camera, null, 200);
    assertEquals(1, files.getLong("total"));
    assertEquals(2, files.getJsonArray("files").getJsonObject(0).getInteger("segmentCount"));
  }

  @Test
  void recordFiles_badInput() {
    api.refused(GET, "/record-files", null, 400, "missing_filter");
    api.refused(GET, "/record-files?cameraId=cam-x&from=10&to=10", null, 400, "bad_range");
    api.refused(GET, "/record-files?cameraId=cam-x&from=yesterday", null, 400, "bad_range");
    api.refused(GET, "/record-files?cameraId=cam-x&page=0", null, 400, "bad_page");
    api.refused(GET, "/record-files?cameraId=cam-x&pageSize=1000", null, 400, "bad_page_size");
    api.refused(GET, "/record-files?cameraId=Not%20An%20Id", null, 400, "bad_camera_id");
    api.refused(GET, "/record-files?taskId=task_0000000000000000", null, 404, "unknown_task");
    api.refused(GET, "/record-files?cameraId=never-seen-camera", null, 404, "unknown_camera");
  }
}
