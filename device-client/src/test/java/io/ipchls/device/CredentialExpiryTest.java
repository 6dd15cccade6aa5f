package io.ipchls.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.segment.Segment;
import io.ipchls.device.testing.CloudPerClass;
import io.ipchls.device.testing.FrameFeeder;
import io.ipchls.device.testing.TestCloud;
import io.ipchls.infra.Await;
import io.ipchls.protocol.SegmentNotification;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Storage keys that live 15 s (credential-service's real issuer with a short lifetime; the S3 server refuses them
 * once expired): the camera renews them at about 80 % of their lifetime, mid-stream, and loses no segment.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CredentialExpiryTest {
  private static final int FPS = 10;
  @RegisterExtension static final CloudPerClass cloud = new CloudPerClass(15);

  @Test
  void keysExpiringMidStream_areRenewedBeforeTheyExpire_andNoSegmentIsLost() throws Exception {
    TestCloud.Registered reg = cloud.get().register("expiry");
    Camera camera = Camera.builder().cameraId(reg.id()).secret(reg.secret())
        .mqtt(cloud.get().mqttHost(), cloud.get().mqttPort()).segmentSeconds(1).build();
    camera.start();
    try (FrameFeeder feeder =
        new FrameFeeder(/* width= */ 320, /* height= */ 180, FPS, FPS, camera::putFrame).start()) {
      Await.until("three keys used", Duration.ofSeconds(120), () -> cloud.get().accessKeysSeen(reg.id()).size(),
          n -> n >= 3);
      int now = cloud.get().distinctNotifications(reg.id()).size();
      Await.until("more segments with the third key", TestCloud.WAIT,
          () -> cloud.get().distinctNotifications(reg.id()).size(), n -> n >= now + 3);
    }
    camera.close();
    List<SegmentNotification> all = cloud.get().awaitAllAnnounced(reg.id());
    assertTrue(all.size() >= 20, "over 20 s of 1 s segments: " + all.size());
    assertEquals(LongStream.range(0, all.size()).boxed().toList(), all.stream().map(SegmentNotification::seq).toList());
    for (SegmentNotification n : all) {
      assertEquals(n.sha256(), Segment.sha256Hex(cloud.get().object(n.key()).asByteArray()));
    }
    assertEquals(all.size(), cloud.get().keys(reg.id()).size());
    assertEquals(0, camera.metrics().segmentsDropped());
  }
}
