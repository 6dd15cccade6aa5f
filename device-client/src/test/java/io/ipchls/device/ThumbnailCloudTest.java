package io.ipchls.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.segment.Segment;
import io.ipchls.device.sim.SimulatedCamera;
import io.ipchls.device.testing.CloudPerClass;
import io.ipchls.device.testing.TestCloud;
import io.ipchls.infra.Await;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The simulated camera's thumbnails through the real cloud side: each segment's JPEG stored under the camera's prefix
 * before its notification names it, a 320x180 picture of a few KB, and the key frame's byte range announced.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ThumbnailCloudTest {
  private static final int FPS = 10;
  @RegisterExtension static final CloudPerClass cloud = new CloudPerClass(3600);

  @Test
  void simulatedCamera_thumbnailPerSegment_storedUnderThePrefix_namedInTheNotification() throws Exception {
    TestCloud.Registered reg = cloud.get().register("thumbs");
    Camera camera = Camera.builder().cameraId(reg.id()).secret(reg.secret())
        .mqtt(cloud.get().mqttHost(), cloud.get().mqttPort()).segmentSeconds(2).build();
    camera.start();
    try (SimulatedCamera sim = new SimulatedCamera(640, 360, FPS, 2 * FPS, reg.id(), camera::putFrame)
        .thumbnails(camera::putThumbnail)) {
      sim.start();
      Await.until("3 segments of " + reg.id(), TestCloud.WAIT, () -> cloud.get().distinctNotifications(reg.id()),
          l -> l.size() >= 3);
    } finally {
      camera.close();
    }
    long stored = cloud.get().keys(reg.id()).stream().filter(k -> k.endsWith(".ts")).count();
    List<SegmentNotification> all = Await.until("all " + stored + " segments announced", TestCloud.WAIT,
        () -> cloud.get().distinctNotifications(reg.id()), l -> l.size() >= stored);
    assertEquals(2 * stored, cloud.get().keys(reg.id()).size(), "one thumbnail per segment");
    for (SegmentNotification n : all) {
      assertTrue(n.problems().isEmpty(), n.problems().toString());
      assertEquals(ObjectKeys.thumbnailKey(reg.id(), Instant.ofEpochMilli(n.start()), n.seq()), n.thumbnail());
      ResponseBytes<GetObjectResponse> object = cloud.get().object(n.thumbnail());
      assertEquals("image/jpeg", object.response().contentType());
      byte[] jpeg = object.asByteArray();
      assertTrue(jpeg.length > 500 && jpeg.length < 20_000, "a few KB: " + jpeg.length);
      BufferedImage picture = ImageIO.read(new ByteArrayInputStream(jpeg));
      assertEquals(320, picture.getWidth());
      assertEquals(180, picture.getHeight());
      assertNotNull(n.keyFrame(), "the key frame's range is announced");
      assertEquals(0L, n.keyFrame().offset());
      // the last segment, cut when the camera closes, may hold the key frame alone
      assertTrue(n.keyFrame().length() > 0 && n.keyFrame().length() <= n.bytes());
    }
    assertTrue(all.get(0).keyFrame().length() < all.get(0).bytes() / 2, "a full segment's key frame is a part of it");
  }

  @Test
  void putThumbnail_notAJpeg_isRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> Segment.requireThumbnail(new byte[] {'P', 'N', 'G', 0}));
    assertTrue(e.getMessage().contains("must be a JPEG"), e.getMessage());
  }

  @Test
  void putThumbnail_overTheLimit_isRefused() {
    byte[] big = new byte[Segment.MAX_THUMBNAIL_BYTES + 1];
    big[0] = (byte) 0xFF;
    big[1] = (byte) 0xD8;
    big[2] = (byte) 0xFF;
    var e = assertThrows(IllegalArgumentException.class, () -> Segment.requireThumbnail(big));
    assertTrue(e.getMessage().contains("at most " + Segment.MAX_THUMBNAIL_BYTES), e.getMessage());
  }
}
