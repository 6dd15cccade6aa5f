package io.ipchls.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.segment.Segment;
import io.ipchls.device.testing.CloudPerClass;
import io.ipchls.device.testing.FrameFeeder;
import io.ipchls.device.testing.SegmentChecks;
import io.ipchls.device.testing.TestCloud;
import io.ipchls.infra.Await;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.CameraStatus;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Cameras against the real cloud side: credential-service (MQTT auth, scoped keys), the embedded broker and the
 * embedded S3 server. What a user sees: objects in the bucket under the camera's prefix, valid and starting with an
 * IDR frame, each announced once stored, and commands obeyed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CameraCloudTest {
  static final int FPS = 10;
  @RegisterExtension static final CloudPerClass cloud = new CloudPerClass(3600);
  @TempDir Path scratch;

  static Camera camera(TestCloud.Registered reg, int segmentSeconds) {
    return Camera.builder().cameraId(reg.id()).secret(reg.secret()).mqtt(cloud.get().mqttHost(), cloud.get().mqttPort())
        .segmentSeconds(segmentSeconds).build();
  }

  /** What a test does while the camera records. */
  interface WhileRecording {
    void run(Camera camera, FrameFeeder feeder) throws Exception;
  }

  /** Starts a camera fed a GOP of {@code gopFrames} frames in real time, runs {@code body}, closes the camera. */
  static Camera stream(TestCloud.Registered reg, int segmentSeconds, int gopFrames, WhileRecording body)
      throws Exception {
    Camera camera = camera(reg, segmentSeconds);
    camera.start();
    try (FrameFeeder feeder =
        new FrameFeeder(/* width= */ 320, /* height= */ 180, FPS, gopFrames, camera::putFrame).start()) {
      body.run(camera, feeder);
    } finally {
      camera.close();
    }
    return camera;
  }

  static List<SegmentNotification> awaitSegments(String cameraId, int n) {
    return Await.until(n + " segments of " + cameraId, TestCloud.WAIT,
        () -> cloud.get().distinctNotifications(cameraId), l -> l.size() >= n);
  }

  /** Every announced segment numbered without a gap from 0, stored once under the camera's prefix. */
  static List<SegmentNotification> assertNoSegmentLost(String cameraId) {
    List<SegmentNotification> all = cloud.get().awaitAllAnnounced(cameraId);
    assertEquals(LongStream.range(0, all.size()).boxed().toList(), all.stream().map(SegmentNotification::seq).toList());
    assertEquals(all.size(), cloud.get().keys(cameraId).size(), "one object per announced segment");
    return all;
  }

  @Test
  void segments_areStoredThenAnnounced_validAndStartingWithIdr_keysInSeedLayout() throws Exception {
    TestCloud.Registered reg = cloud.get().register("upload");
    Camera camera = stream(reg, 2, 2 * FPS, (cam, feeder) -> awaitSegments(reg.id(), 3));
    List<SegmentNotification> all = assertNoSegmentLost(reg.id());
    for (SegmentNotification n : all) {
      assertEquals(ObjectKeys.segmentKey(reg.id(), Instant.ofEpochMilli(n.start()), n.seq()), n.key());
      assertTrue(n.problems().isEmpty(), n.problems().toString());
      ResponseBytes<GetObjectResponse> object = cloud.get().object(n.key());
      assertEquals("video/mp2t", object.response().contentType());
      assertEquals(n.sha256(), Segment.sha256Hex(object.asByteArray()));
      assertEquals(n.bytes(), object.asByteArray().length);
      assertTrue(n.codec().startsWith("avc1."), n.codec());
      assertEquals(320, n.width());
      assertEquals(180, n.height());
      SegmentChecks.assertValidSegment(object.asByteArray(), scratch);
    }
    for (int i = 0; i + 1 < all.size(); i++) {
      assertEquals(2_000, all.get(i).durationMs());
      assertEquals(all.get(i).start() + 2_000, all.get(i + 1).start(), "segments follow without gaps");
    }
    CameraMetrics m = camera.metrics();
    assertEquals(all.size(), m.segmentsUploaded());
    assertEquals(0, m.segmentsDropped());
    assertEquals(0, m.notificationsPending());
  }

  @Test
  void twoCameras_inOneJvm_doNotDisturbEachOther() throws Exception {
    TestCloud.Registered a = cloud.get().register("two-a");
    TestCloud.Registered b = cloud.get().register("two-b");
    Camera ca = camera(a, 1);
    Camera cb = camera(b, 3);
    ca.start();
    cb.start();
    try (FrameFeeder fa = new FrameFeeder(/* width= */ 320, /* height= */ 180, FPS, FPS, ca::putFrame).start();
        FrameFeeder fb = new FrameFeeder(/* width= */ 320, /* height= */ 180, FPS, 3 * FPS, cb::putFrame).start()) {
      awaitSegments(b.id(), 3);
      awaitSegments(a.id(), 6);
    }
    ca.close();
    cb.close();
    for (TestCloud.Registered reg : List.of(a, b)) {
      List<SegmentNotification> all = assertNoSegmentLost(reg.id());
      assertTrue(all.stream().allMatch(n -> n.key().startsWith(reg.id() + "/")), "own prefix only");
      long target = reg == a ? 1_000 : 3_000;
      for (int i = 0; i + 1 < all.size(); i++) assertEquals(target, all.get(i).durationMs(), reg.id());
    }
    assertEquals(0, ca.metrics().segmentsDropped() + cb.metrics().segmentsDropped());
  }

  @Test
  void revokedKey_storageRefuses_cameraFetchesNewKey_andLosesNoSegment() throws Exception {
    TestCloud.Registered reg = cloud.get().register("revoke");
    Camera camera = stream(reg, 1, FPS, (cam, feeder) -> {
      awaitSegments(reg.id(), 2);
      List<String> keys = cloud.get().accessKeysSeen(reg.id());
      assertEquals(1, keys.size(), keys.toString());
      cloud.get().revokeKey(keys.get(0)); // as if it expired early: the next PUT gets 403 InvalidAccessKeyId
      int before = cloud.get().distinctNotifications(reg.id()).size();
      awaitSegments(reg.id(), before + 3);
    });
    assertTrue(cloud.get().accessKeysSeen(reg.id()).size() >= 2, "a second key was fetched");
    assertTrue(camera.metrics().uploadFailures() >= 1, "the refused upload was counted");
    assertNoSegmentLost(reg.id());
    assertEquals(0, camera.metrics().segmentsDropped());
  }

  @Test
  void stopRecordingCommand_cutsTheSegment_andStartRecordingResumes() throws Exception {
    TestCloud.Registered reg = cloud.get().register("stop");
    stream(reg, 1, FPS, (cam, feeder) -> {
      awaitSegments(reg.id(), 2);
      cloud.get().sendCommand(reg.id(), CameraCommand.stopRecording());
      Await.until("recording stopped", TestCloud.WAIT, () -> !cam.isRecording());
      long cut = cam.metrics().segmentsCut();
      Await.until("the cut segment stored and announced", TestCloud.WAIT,
          () -> cloud.get().distinctNotifications(reg.id()).size(), n -> n == cut);
      int stoppedAt = (int) cut;
      long framesLater = feeder.delivered() + 3 * FPS;
      Await.until("three more seconds of frames", TestCloud.WAIT, () -> feeder.delivered() > framesLater);
      assertEquals(stoppedAt, cloud.get().distinctNotifications(reg.id()).size(), "nothing recorded while stopped");
      assertEquals(stoppedAt, cam.metrics().segmentsUploaded());
      cloud.get().sendCommand(reg.id(), CameraCommand.startRecording());
      awaitSegments(reg.id(), stoppedAt + 2);
    });
    assertNoSegmentLost(reg.id());
  }

  @Test
  void configureCommand_changesTheSegmentDuration() throws Exception {
    TestCloud.Registered reg = cloud.get().register("configure");
    stream(reg, 1, FPS, (cam, feeder) -> {
      awaitSegments(reg.id(), 2);
      cloud.get().sendCommand(reg.id(), CameraCommand.configure(3));
      int before = cloud.get().distinctNotifications(reg.id()).size();
      List<SegmentNotification> all = awaitSegments(reg.id(), before + 3);
      assertEquals(3_000, all.get(all.size() - 2).durationMs(), all.toString());
    });
  }

  @Test
  void taskStartCommand_writesUnderTheTaskPrefix_withTheTaskSegmentLength() throws Exception {
    TestCloud.Registered reg = cloud.get().register("task");
    String taskPrefix = reg.id() + "/tasks/task_1";
    stream(reg, 1, FPS, (cam, feeder) -> {
      awaitSegments(reg.id(), 1);
      cloud.get().sendCommand(reg.id(), CameraCommand.startTask("task_1", 2, taskPrefix));
      Await.until("segments under the task prefix", TestCloud.WAIT, () -> cloud.get().distinctNotifications(reg.id()),
          all -> all.stream().filter(n -> n.key().startsWith(taskPrefix + "/")).count() >= 3);
      List<SegmentNotification> inTask = cloud.get().distinctNotifications(reg.id()).stream()
          .filter(n -> n.key().startsWith(taskPrefix + "/")).toList();
      assertEquals(2_000, inTask.get(inTask.size() - 1).durationMs(), inTask.toString());
      // a prefix outside the camera's own is not obeyed: its storage key could not write there anyway
      cloud.get().sendCommand(reg.id(), CameraCommand.startTask("task_2", 2, "someone-else/x"));
      Await.until("segments back under the camera's prefix", TestCloud.WAIT,
          () -> cloud.get().distinctNotifications(reg.id()),
          all -> all.get(all.size() - 1).key().startsWith(reg.id() + "/2"));
    });
    assertNoSegmentLost(reg.id());
    assertTrue(cloud.get().distinctNotifications(reg.id()).stream()
        .noneMatch(n -> n.key().startsWith("someone-else/")));
  }

  @Test
  void malformedCommands_areDroppedAndCounted_cameraKeepsRecording() throws Exception {
    TestCloud.Registered reg = cloud.get().register("badcmd");
    stream(reg, 1, FPS, (cam, feeder) -> {
      awaitSegments(reg.id(), 1);
      cloud.get().sendRawCommand(reg.id(), "{\"v\":1,\"command\":\"configure\",\"segmentSeconds\":0}");
      cloud.get().sendRawCommand(reg.id(), "{\"v\":1,\"command\":\"self-destruct\"}");
      cloud.get().sendRawCommand(reg.id(), "not json");
      Await.until("three bad commands counted", TestCloud.WAIT, () -> cam.metrics().messagesRejected() == 3);
      assertTrue(cam.isRecording());
      int before = cloud.get().distinctNotifications(reg.id()).size();
      List<SegmentNotification> all = awaitSegments(reg.id(), before + 2);
      assertEquals(1_000, all.get(all.size() - 2).durationMs(), "segment duration unchanged");
    });
  }

  @Test
  void status_isRetainedOnlineWhileConnected_andOfflineAfterClose() throws Exception {
    TestCloud.Registered reg = cloud.get().register("status");
    Camera camera = camera(reg, 1);
    camera.start();
    Await.until("online status", TestCloud.WAIT, () -> cloud.get().lastStatus(reg.id()), CameraStatus.ONLINE::equals);
    assertEquals(CameraStatus.ONLINE, cloud.get().retainedStatus(reg.id()), "a later subscriber learns it (retained)");
    camera.close();
    Await.until("offline status", TestCloud.WAIT, () -> cloud.get().lastStatus(reg.id()), CameraStatus.OFFLINE::equals);
    assertEquals(CameraStatus.OFFLINE, cloud.get().retainedStatus(reg.id()));
  }

  @Test
  void lastWill_anUncleanEnd_leavesARetainedOfflineStatus() throws Exception {
    TestCloud.Registered reg = cloud.get().register("will");
    Vertx own = Vertx.vertx();
    Camera camera = Camera.builder().cameraId(reg.id()).secret(reg.secret())
        .mqtt(cloud.get().mqttHost(), cloud.get().mqttPort()).vertx(own).build();
    camera.start();
    Await.until("online status", TestCloud.WAIT, () -> cloud.get().lastStatus(reg.id()), CameraStatus.ONLINE::equals);
    own.close().toCompletionStage().toCompletableFuture().join(); // the TCP connection ends without DISCONNECT
    Await.until("the will: offline", TestCloud.WAIT, () -> cloud.get().lastStatus(reg.id()),
        CameraStatus.OFFLINE::equals);
    assertEquals(CameraStatus.OFFLINE, cloud.get().retainedStatus(reg.id()));
    camera.close();
  }
}
