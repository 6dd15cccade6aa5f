package io.ipchls.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.segment.Segment;
import io.ipchls.device.testing.FrameFeeder;
import io.ipchls.device.testing.TestCloud;
import io.ipchls.infra.Await;
import io.ipchls.protocol.SegmentNotification;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Storage keys that live 15 s (credential-service's real issuer with a short lifetime; the S3 server refuses them
 * once expired): the camera renews them at about 80 % of their lifetime, mid-stream, and loses no segment.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CredentialExpiryTest {
  private static final int FPS = 10;
  static TestCloud cloud;

  @BeforeAll
  static void startCloud() {
    cloud = TestCloud.start(15);
  }

  @AfterAll
  static void stopCloud() {
    if (cloud != null) cloud.close();
  }

  @Test
  void keysExpiringMidStream_areRenewedBeforeTheyExpire_andNoSegmentIsLost() throws Exception {
    TestCloud.Registered reg = cloud.register("expiry");
    Camera camera = Camera.builder().cameraId(reg.id()).secret(reg.secret()).mqtt(cloud.mqttHost(), cloud.mqttPort())
        .segmentSeconds(1).build();
    camera.start();
    try (FrameFeeder feeder =
        new FrameFeeder(/* width= */ 320, /* height= */ 180, FPS, FPS, camera::putFrame).start()) {
      Await.until("three keys used", Duration.ofSeconds(120), () -> cloud.accessKeysSeen(reg.id()).size(),
          n -> n >= 3);
      int now = cloud.distinctNotifications(reg.id()).size();
      Await.until("more segments with the third key", TestCloud.WAIT,
          () -> cloud.distinctNotifications(reg.id()).size(), n -> n >= now + 3);
    }
    camera.close();
    List<SegmentNotification> all = cloud.awaitAllAnnounced(reg.id());
    assertTrue(all.size() >= 20, "over 20 s of 1 s segments: " + all.size());
    assertEquals(LongStream.range(0, all.size()).boxed().toList(), all.stream().map(SegmentNotification::seq).toList());
    for (SegmentNotification n : all) {
      assertEquals(n.sha256(), Segment.sha256Hex(cloud.object(n.key()).asByteArray()));
    }
    assertEquals(all.size(), cloud.keys(reg.id()).size());
    assertEquals(0, camera.metrics().segmentsDropped());
  }
}
