package io.ipchls.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.codec.AudioInput;
import io.ipchls.device.codec.Container;
import io.ipchls.device.flac.G711;
import io.ipchls.device.segment.Segment;
import io.ipchls.device.sim.G711Tone;
import io.ipchls.device.testing.CloudPerClass;
import io.ipchls.device.testing.Ffmpeg;
import io.ipchls.device.testing.Ffprobe;
import io.ipchls.device.testing.FrameFeeder;
import io.ipchls.device.testing.TestCloud;
import io.ipchls.infra.Await;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Cameras writing fMP4 against the real cloud side (credential-service, the embedded broker and S3 server): the init
 * segment stored once under {@code <prefix>/init/}, before the media segments that name it; the notification
 * carrying container, init and every track's codec; what is stored decodes in ffmpeg; and a record task's start
 * command switching a running camera from MPEG-TS to fMP4.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class Fmp4CameraCloudTest {
  private static final int FPS = 10;
  private static final int G711_PER_FRAME = G711Tone.SAMPLE_RATE / FPS;
  @RegisterExtension static final CloudPerClass cloud = new CloudPerClass(3600);
  @TempDir Path scratch;

  @Test
  void h264WithG711_fmp4_initStoredOnce_notificationsNameIt_storedMediaDecodes() throws Exception {
    TestCloud.Registered reg = cloud.get().register("fmp4-g711");
    Camera camera = Camera.builder().cameraId(reg.id()).secret(reg.secret())
        .mqtt(cloud.get().mqttHost(), cloud.get().mqttPort()).segmentSeconds(1).container(Container.FMP4)
        .audio(AudioInput.g711Alaw()).build();
    G711Tone tone = new G711Tone(G711.Law.A_LAW);
    camera.start();
    try (FrameFeeder feeder = new FrameFeeder(320, 180, FPS, FPS, f -> {
      camera.putFrame(f);
      long pts = tone.ptsMicros();
      camera.putAudio(tone.next(G711_PER_FRAME), pts);
    }).start()) {
      Await.until("3 segments", TestCloud.WAIT, () -> cloud.get().distinctNotifications(reg.id()), l -> l.size() >= 3);
    } finally {
      camera.close();
    }
    List<SegmentNotification> all = cloud.get().awaitAllAnnounced(reg.id());
    String init = all.get(0).init();
    assertNotNull(init);
    ResponseBytes<GetObjectResponse> initObject = cloud.get().object(init);
    assertEquals(ObjectKeys.initKey(reg.id(), Segment.sha256Hex(initObject.asByteArray())), init,
        "the init segment is named by its content");
    assertEquals("video/mp4", initObject.response().contentType());
    assertEquals(List.of(init), cloud.get().keys(reg.id() + "/init"), "stored once");
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.writeBytes(initObject.asByteArray());
    for (SegmentNotification n : all) {
      assertTrue(n.problems().isEmpty(), n.problems().toString());
      assertEquals(SegmentNotification.CONTAINER_FMP4, n.container());
      assertEquals(init, n.init(), "one configuration, one init segment");
      assertEquals(ObjectKeys.segmentKey(reg.id(), Instant.ofEpochMilli(n.start()), n.seq(), "fmp4"), n.key());
      assertTrue(n.key().endsWith(".m4s"), n.key());
      assertTrue(n.codec().matches("avc1\\.[0-9a-f]{6},fLaC"), n.codec());
      ResponseBytes<GetObjectResponse> object = cloud.get().object(n.key());
      assertEquals("video/iso.segment", object.response().contentType());
      assertEquals(n.sha256(), Segment.sha256Hex(object.asByteArray()));
      stream.writeBytes(object.asByteArray());
    }
    Path file = scratch.resolve("stored.mp4");
    Files.write(file, stream.toByteArray());
    assertEquals(List.of("h264,video", "flac,audio"), Ffprobe.streams(file));
    assertEquals("", Ffmpeg.decodeStrictly(file), "ffmpeg -xerror decodes init + stored segments");
  }

  @Test
  void taskStartWithContainerFmp4_switchesARunningCamera_atTheNextKeyFrame() throws Exception {
    TestCloud.Registered reg = cloud.get().register("switch");
    Camera camera = Camera.builder().cameraId(reg.id()).secret(reg.secret())
        .mqtt(cloud.get().mqttHost(), cloud.get().mqttPort()).segmentSeconds(1).build();
    camera.start();
    try (FrameFeeder feeder = new FrameFeeder(320, 180, FPS, FPS, camera::putFrame).start()) {
      Await.until("2 TS segments", TestCloud.WAIT, () -> cloud.get().distinctNotifications(reg.id()),
          l -> l.size() >= 2);
      cloud.get().sendCommand(reg.id(), CameraCommand.startTask("task_f", 1, reg.id(), "fmp4"));
      Await.until("2 fMP4 segments", TestCloud.WAIT, () -> cloud.get().distinctNotifications(reg.id()),
          l -> l.stream().filter(n -> "fmp4".equals(n.container())).count() >= 2);
    } finally {
      camera.close();
    }
    List<SegmentNotification> all = cloud.get().awaitAllAnnounced(reg.id());
    int first = 0;
    while (!"fmp4".equals(all.get(first).container())) {
      assertEquals("ts", all.get(first).container());
      assertNull(all.get(first).init());
      first++;
    }
    for (SegmentNotification n : all.subList(first, all.size())) {
      assertEquals("fmp4", n.container(), "no way back without a command");
      assertNotNull(cloud.get().object(n.init()));
    }
    for (int i = 0; i + 1 < all.size(); i++) {
      assertEquals(all.get(i).start() + all.get(i).durationMs(), all.get(i + 1).start(), "no gap at the switch");
    }
  }
}
