package io.ipchls.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.testing.FrameFeeder;
import io.ipchls.device.testing.RecordingRelay;
import io.ipchls.device.testing.TestCloud;
import io.ipchls.device.upload.UploadSettings;
import io.ipchls.infra.Await;
import io.ipchls.infra.LocalStack;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.StorageTier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Storage tiers (issue 19 item 4) against the embedded S3 server (S3Proxy over a filesystem store), with a relay in
 * front of it that keeps the requests the SDK sent. S3Proxy keeps an object's storage class (HEAD answers it), so
 * that is asserted on the stored objects; it accepts {@code x-amz-tagging} on PutObject but keeps no tags
 * (GetObjectTagging answers 501 Not Implemented), so the tags are asserted on the requests that reached it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StorageTierTest {
  static RecordingRelay relay;
  static TestCloud cloud;

  @BeforeAll
  static void cloudBehindARelay() throws Exception {
    LocalStack stack = LocalStack.sharedForTests();
    relay = new RecordingRelay(stack.s3().endpoint());
    cloud = TestCloud.startWithS3(relay.uri(), stack.s3().bucket(), 3600);
    stack.useKeyLookup(cloud.keyLookup());
  }

  @AfterAll
  static void stop() throws Exception {
    if (cloud != null) cloud.close();
    if (relay != null) relay.close();
  }

  private static List<SegmentNotification> await(String id, int segments) {
    return Await.until(segments + " segments", TestCloud.WAIT, () -> cloud.distinctNotifications(id),
        l -> l.size() >= segments);
  }

  private static FrameFeeder feed(Camera camera) {
    return new FrameFeeder(/* width= */ 320, /* height= */ 180, 10, 10, camera::putFrame).start();
  }

  private static String storageClass(String key) {
    return cloud.object(key).response().storageClassAsString();
  }

  @Test
  void tier_writesItsStorageClass_andSendsPlanAndKindTags_aCommandChangesIt() throws Exception {
    TestCloud.Registered reg = cloud.register("tier");
    Camera camera = Camera.builder().cameraId(reg.id()).secret(reg.secret()).mqtt(cloud.mqttHost(), cloud.mqttPort())
        .segmentSeconds(1).storageTier(StorageTier.INFREQUENT).build();
    camera.start();
    try (FrameFeeder feeder = feed(camera)) {
      List<SegmentNotification> first = await(reg.id(), 2);
      for (SegmentNotification n : first) assertEquals("STANDARD_IA", storageClass(n.key()), n.key());
      assertTrue(relay.headerValues("x-amz-storage-class").contains("STANDARD_IA"));
      assertTrue(relay.headerValues("x-amz-tagging").contains("ipchls-kind=segment&ipchls-plan=infrequent"),
          relay.headerValues("x-amz-tagging").toString());

      cloud.sendCommand(reg.id(), CameraCommand.startRecording().withTier("archive"));
      List<SegmentNotification> later = Await.until("an archived segment", TestCloud.WAIT,
          () -> cloud.distinctNotifications(reg.id()),
          l -> l.stream().anyMatch(n -> storageClass(n.key()).equals("GLACIER_IR")));
      assertTrue(later.size() > first.size());
      assertTrue(relay.headerValues("x-amz-tagging").contains("ipchls-kind=segment&ipchls-plan=archive"));
    } finally {
      camera.close();
    }
  }

  @Test
  void tier_tagsAnInitSegmentAsInit() throws Exception {
    TestCloud.Registered reg = cloud.register("tier-init");
    Camera camera = Camera.builder().cameraId(reg.id()).secret(reg.secret()).mqtt(cloud.mqttHost(), cloud.mqttPort())
        .segmentSeconds(1).container(io.ipchls.device.codec.Container.FMP4).storageTier(StorageTier.STANDARD)
        .build();
    camera.start();
    try (FrameFeeder feeder = feed(camera)) {
      SegmentNotification n = await(reg.id(), 1).get(0);
      assertEquals("STANDARD", storageClass(n.init()));
      assertTrue(relay.headerValues("x-amz-tagging").contains("ipchls-kind=init&ipchls-plan=standard"),
          relay.headerValues("x-amz-tagging").toString());
    } finally {
      camera.close();
    }
  }

  @Test
  void withoutATier_noStorageClassOrPlanTagIsSent() {
    assertEquals(Map.of("site", "a"), UploadSettings.defaults().withTags(Map.of("site", "a"))
        .tagsFor("cam/2026/01/01/00/x.ts"));
  }

  @Test
  void userTag_namedLikeAPlanTag_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> UploadSettings.defaults()
        .withTier(StorageTier.STANDARD).withTags(Map.of(StorageTier.PLAN_TAG, "gold")));
  }
}
