package io.ipchls.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.record.EventCounters;
import io.ipchls.device.testing.CloudPerClass;
import io.ipchls.device.testing.FrameFeeder;
import io.ipchls.device.testing.SegmentChecks;
import io.ipchls.device.testing.TestCloud;
import io.ipchls.infra.Await;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.CameraEvent;
import io.ipchls.protocol.SegmentNotification;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-only cameras (issue 19 item 5) against the real credential-service, broker and S3 server: nothing is stored
 * while idle; a trigger (the cloud's command, the camera's own event) stores a clip from at least the pre-roll before
 * the trigger to at least the post-roll after it; bad trigger commands are rejected with their reason and the camera
 * carries on. 1 s segments at 10 fps, pre-roll 3 s, post-roll 3 s.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EventOnlyCameraTest {
  private static final int FPS = 10;
  private static final long PRE_ROLL_MS = 3_000;
  private static final long POST_ROLL_MS = 3_000;
  @RegisterExtension static final CloudPerClass cloud = new CloudPerClass(3600);
  @TempDir Path scratch;

  /** What a test does while the camera records. */
  interface WhileRecording {
    void run(Camera camera) throws Exception;
  }

  private static void eventOnly(TestCloud.Registered reg, WhileRecording body) throws Exception {
    Camera camera = Camera.builder().cameraId(reg.id()).secret(reg.secret())
        .mqtt(cloud.get().mqttHost(), cloud.get().mqttPort()).segmentSeconds(1)
        .eventOnly(Duration.ofMillis(PRE_ROLL_MS), Duration.ofMillis(POST_ROLL_MS)).build();
    camera.start();
    try (FrameFeeder feeder = new FrameFeeder(/* width= */ 320, /* height= */ 180, FPS, FPS, camera::putFrame)
        .start()) {
      Await.until(reg.id() + " online", TestCloud.WAIT, () -> cloud.get().lastStatus(reg.id()), "online"::equals);
      body.run(camera);
    } finally {
      camera.close();
    }
  }

  /** Waits until the camera has cut and discarded {@code n} more segments than now: it is idle. */
  private static void idleFor(Camera camera, int n) {
    long before = camera.metrics().events().segmentsNotRecorded();
    Await.until(n + " idle segments", TestCloud.WAIT, () -> camera.metrics().events().segmentsNotRecorded(),
        c -> c >= before + n);
  }

  /** Waits for the clip that {@code clipsBefore + 1} names to be recorded to its end and stored. */
  private static EventCounters awaitClip(Camera camera, long clipsBefore) {
    EventCounters clip = Await.until("a clip", TestCloud.WAIT, () -> camera.metrics().events(),
        e -> e.clips() > clipsBefore);
    // recorded and stored: a segment after the post-roll was cut (kept idle) and nothing waits for upload
    long idle = camera.metrics().events().segmentsNotRecorded();
    Await.until("the clip's end", TestCloud.WAIT, camera::metrics, m -> m.events().segmentsNotRecorded() > idle
        && m.events().recordUntilMs() == clip.recordUntilMs() && m.queuedSegments() == 0
        && m.notificationsPending() == 0);
    return camera.metrics().events();
  }

  private static void assertClipAround(List<SegmentNotification> clip, EventCounters e) {
    SegmentNotification first = clip.get(0);
    SegmentNotification last = clip.get(clip.size() - 1);
    assertTrue(first.start() <= e.lastTriggerMs() - PRE_ROLL_MS,
        "the clip starts at least the pre-roll before the trigger: " + first.start() + " vs " + e.lastTriggerMs());
    assertTrue(last.start() + last.durationMs() >= e.lastTriggerMs() + POST_ROLL_MS,
        "and ends at least the post-roll after it");
    for (int i = 1; i < clip.size(); i++) {
      assertEquals(clip.get(i - 1).start() + clip.get(i - 1).durationMs(), clip.get(i).start(),
          "a clip's segments follow on");
    }
  }

  @Test
  void idle_storesNothing_thenTriggerCommand_storesPreRollToPostRoll() throws Exception {
    TestCloud.Registered reg = cloud.get().register("event-cmd");
    eventOnly(reg, camera -> {
      idleFor(camera, 4);
      assertEquals(List.of(), cloud.get().keys(reg.id()), "no object while idle");
      assertEquals(List.of(), cloud.get().distinctNotifications(reg.id()), "no notification while idle");
      assertEquals(0, camera.metrics().segmentsUploaded());
      long sent = System.currentTimeMillis();
      cloud.get().sendCommand(reg.id(), CameraCommand.trigger("motion-1"));
      EventCounters e = awaitClip(camera, 0);
      assertTrue(e.lastTriggerMs() >= sent, "triggered by the command");
      List<SegmentNotification> clip = cloud.get().awaitAllAnnounced(reg.id());
      assertClipAround(clip, e);
      assertEquals(clip.size(), cloud.get().keys(reg.id()).size(), "one object per announced segment");
      SegmentChecks.assertValidSegment(cloud.get().object(clip.get(0).key()).asByteArray(), scratch);
    });
  }

  @Test
  void ownEvent_isPublished_andTriggersAClip_secondClipStartsWithADiscontinuity() throws Exception {
    TestCloud.Registered reg = cloud.get().register("event-own");
    eventOnly(reg, camera -> {
      idleFor(camera, 4);
      camera.publishEvent(new CameraEvent(1, "motion-a", "motion", "porch", System.currentTimeMillis(), null, null));
      EventCounters first = awaitClip(camera, 0);
      int firstClip = cloud.get().awaitAllAnnounced(reg.id()).size();
      assertClipAround(cloud.get().awaitAllAnnounced(reg.id()), first);
      idleFor(camera, 2);
      camera.publishEvent(new CameraEvent(1, "motion-b", "motion", "porch", System.currentTimeMillis(), null, null));
      EventCounters second = awaitClip(camera, 1);
      List<SegmentNotification> all = cloud.get().awaitAllAnnounced(reg.id());
      assertClipAround(all.subList(firstClip, all.size()), second);
      assertTrue(Boolean.TRUE.equals(all.get(firstClip).discontinuity()), "the second clip follows a gap");
      assertFalse(Boolean.TRUE.equals(all.get(firstClip + 1).discontinuity()));
      List<CameraEvent> events = Await.until("both events published", TestCloud.WAIT,
          () -> cloud.get().events.getOrDefault(reg.id(), List.of()), l -> l.size() >= 2);
      assertEquals(List.of("motion-a", "motion-b"), events.stream().map(CameraEvent::id).toList());
    });
  }

  /** Sends a bad trigger; asserts its rejection with {@code reason}, no clip and nothing stored. */
  private static void assertRejected(Camera camera, String cameraId, Consumer<String> send, String reason) {
    send.accept(cameraId);
    CameraMetrics m = Await.until("the rejection", TestCloud.WAIT, camera::metrics, x -> x.messagesRejected() > 0);
    assertTrue(m.lastRejectedMessage().contains(reason), m.lastRejectedMessage());
    assertEquals(0, m.events().clips(), "no clip");
    idleFor(camera, 1);
    assertEquals(List.of(), cloud.get().keys(cameraId), "nothing stored");
  }

  @Test
  void retainedTrigger_isRejected_andTheCameraStillObeys() throws Exception {
    TestCloud.Registered reg = cloud.get().register("event-retained");
    // retained before the camera subscribes: the broker hands it over with the retain flag (MQTT 3.1.1 §3.3.1.3)
    cloud.get().sendRetainedCommand(reg.id(), CameraCommand.trigger("m1"));
    try {
      eventOnly(reg, camera -> {
        assertRejected(camera, reg.id(), id -> { }, "a trigger must not be retained");
        cloud.get().sendCommand(reg.id(), CameraCommand.trigger(null));
        awaitClip(camera, 0);
        assertFalse(cloud.get().awaitAllAnnounced(reg.id()).isEmpty(), "the camera still obeys");
      });
    } finally {
      cloud.get().sendRetainedCommand(reg.id(), null);
    }
  }

  @Test
  void triggerWithSettings_isRejected() throws Exception {
    TestCloud.Registered reg = cloud.get().register("event-settings");
    eventOnly(reg, camera -> assertRejected(camera, reg.id(), id -> cloud.get().sendRawCommand(id,
        "{\"v\":1,\"command\":\"trigger\",\"segmentSeconds\":2}"), "trigger takes only eventId"));
  }

  @Test
  void triggerWithBadEventId_isRejected() throws Exception {
    TestCloud.Registered reg = cloud.get().register("event-badid");
    eventOnly(reg, camera -> assertRejected(camera, reg.id(), id -> cloud.get().sendRawCommand(id,
        "{\"v\":1,\"command\":\"trigger\",\"eventId\":\"no spaces\"}"), "eventId must match"));
  }
}
