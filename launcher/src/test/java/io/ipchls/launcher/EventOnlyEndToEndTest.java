package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.Camera;
import io.ipchls.device.CameraMetrics;
import io.ipchls.device.sim.SimulatedCamera;
import io.ipchls.infra.Await;
import io.ipchls.protocol.CameraEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-only recording (issue 19 item 5) on the whole local system: a simulated event-only camera (pre-roll 4 s,
 * post-roll 3 s, 1 s segments) is idle (no segment indexed), then records two clips a few seconds apart, one on its
 * own motion event, one on a plain trigger. Ingest indexes them like any other segments: by the recording gap rule
 * (180 s) both clips are one recording, which starts at least the pre-roll before the first trigger and ends at least
 * the post-roll after the second; its replay playlist marks the gap between the clips with EXT-X-DISCONTINUITY, and
 * ffmpeg plays it. The motion event is on the camera's timeline.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EventOnlyEndToEndTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int FPS = 10;
  private static final long PRE_ROLL_MS = 4_000;
  private static final long POST_ROLL_MS = 3_000;
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir static Path data;
  static LocalSystem sys;

  @BeforeAll
  static void startSystem() throws Exception {
    sys = LocalSystem.start(EndToEndTest.testConfig(data, "ipc-hls-event-e2e", 5981));
  }

  @AfterAll
  static void stopSystem() {
    if (sys != null) sys.close();
  }

  private static JsonArray files(String cam) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(sys.ingestUrl().resolve(
            "/api/v1/record-files?pageSize=100&cameraId=" + cam))
        .header("Authorization", "Bearer " + sys.adminToken()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonArray("files");
  }

  private static int indexedSegments(String cam) {
    try {
      JsonArray files = files(cam);
      int n = 0;
      for (int i = 0; i < files.size(); i++) n += files.getJsonObject(i).getInteger("segmentCount");
      return n;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Waits until the clip that began with the camera's {@code clip}-th trigger is recorded to its end and indexed. */
  private static CameraMetrics awaitClipIndexed(Camera camera, String cam, long clip) {
    CameraMetrics m = Await.until("clip " + clip, WAIT, camera::metrics, x -> x.events().clips() >= clip);
    long idle = m.events().segmentsNotRecorded();
    CameraMetrics done = Await.until("clip " + clip + " ended", WAIT, camera::metrics,
        x -> x.events().segmentsNotRecorded() > idle && x.queuedSegments() == 0 && x.notificationsPending() == 0);
    Await.until("clip " + clip + " indexed", WAIT, () -> indexedSegments(cam), n -> n >= done.segmentsUploaded());
    return done;
  }

  @Test
  void idleThenTwoClips_indexedAsOneRecordingAroundTheTriggers_replayMarksTheGapAndPlays() throws Exception {
    EndToEndTest.Ffprobe.require();
    String cam = "event-e2e";
    String secret = new AdminClient(sys.credentialUrl(), sys.adminToken()).registerOrRotate(cam);
    Camera camera = Camera.builder().cameraId(cam).secret(secret).mqtt(sys.mqttHost(), sys.mqttPort())
        .mqttTls(true).trustedCa(sys.caFile()).segmentSeconds(1)
        .eventOnly(Duration.ofMillis(PRE_ROLL_MS), Duration.ofMillis(POST_ROLL_MS)).build();
    SimulatedCamera source = new SimulatedCamera(/* width= */ 320, /* height= */ 180, FPS, FPS, cam, camera::putFrame);
    Instant begin = Instant.now();
    camera.start();
    source.start();
    long firstTrigger;
    long secondTrigger;
    try {
      Await.until("idle segments", WAIT, () -> camera.metrics().events().segmentsNotRecorded(), n -> n >= 6);
      assertEquals(0, indexedSegments(cam), "nothing indexed while idle");
      assertEquals(0, camera.metrics().segmentsUploaded(), "nothing uploaded while idle");
      camera.publishEvent(new CameraEvent(1, "door-1", "motion", "door", System.currentTimeMillis(), null, null));
      firstTrigger = awaitClipIndexed(camera, cam, 1).events().lastTriggerMs();
      long idle = camera.metrics().events().segmentsNotRecorded();
      Await.until("idle again", WAIT, () -> camera.metrics().events().segmentsNotRecorded(), n -> n >= idle + 5);
      camera.trigger();
      secondTrigger = awaitClipIndexed(camera, cam, 2).events().lastTriggerMs();
    } finally {
      source.close();
      camera.close();
    }
    JsonArray files = files(cam);
    assertEquals(1, files.size(), "two clips within the recording gap are one recording: " + files.encode());
    JsonObject recording = files.getJsonObject(0);
    assertTrue(recording.getLong("start") <= firstTrigger - PRE_ROLL_MS,
        "the recording starts at least the pre-roll before the first trigger (" + firstTrigger + "): "
            + recording.encode());
    assertTrue(recording.getLong("end") >= secondTrigger + POST_ROLL_MS,
        "and ends at least the post-roll after the second: " + recording.encode());

    String token = sys.viewerToken(600, cam);
    String replay = sys.playlistUrl() + "/replay.m3u8?camera_id=" + cam + "&start=" + enc(begin.minusSeconds(30))
        + "&end=" + enc(Instant.now().plusSeconds(30)) + "&token=" + token;
    // the camera's motion event is stored by ingest on its own path: wait for its EXT-X-DATERANGE
    String playlist = Await.until("the event in the replay", WAIT, () -> EndToEndTest.get(replay),
        p -> p.contains("#EXT-X-DATERANGE:ID=\"door-1\""));
    String afterFirstSegment = playlist.substring(playlist.indexOf("#EXTINF"));
    assertEquals(1, afterFirstSegment.split("#EXT-X-DISCONTINUITY\n", -1).length - 1,
        "one discontinuity, between the clips:\n" + playlist);
    EndToEndTest.Ffprobe.checkPlaylistPlays(replay);
  }

  private static String enc(Instant t) {
    return URLEncoder.encode(t.toString(), StandardCharsets.UTF_8);
  }
}
