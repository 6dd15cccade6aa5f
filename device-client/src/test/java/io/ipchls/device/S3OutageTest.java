package io.ipchls.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.segment.Segment;
import io.ipchls.device.testing.FrameFeeder;
import io.ipchls.device.testing.TestCloud;
import io.ipchls.infra.Await;
import io.ipchls.infra.EmbeddedS3;
import io.ipchls.infra.LocalStack;
import io.ipchls.infra.S3Options;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage outages, for real: the test runs its own embedded S3 server, stops it, and starts it again on the same
 * port over the same data directory. With a spool nothing is lost and every segment arrives afterwards with the
 * start time and key it was cut with.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class S3OutageTest {
  private static final int FPS = 10;
  private static final String BUCKET = "outage";
  @TempDir static Path s3Dir;
  @TempDir Path spoolDir;
  static TestCloud cloud;
  static EmbeddedS3 s3;
  static int s3Port;

  @BeforeAll
  static void start() {
    startS3(0);
    s3Port = s3.endpoint().getPort();
    cloud = TestCloud.startWithS3(s3.endpoint(), BUCKET, 3600);
  }

  @AfterEach
  void s3Up() {
    if (s3 == null) startS3(s3Port);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
    if (s3 != null) s3.close();
  }

  private static void startS3(int port) {
    LocalStack.Options o = LocalStack.sharedForTests().options();
    s3 = EmbeddedS3.start(new S3Options(s3Dir, "127.0.0.1", port, BUCKET, "us-east-1", o.s3AccessKey(),
        o.s3SecretKey(), id -> cloud.keyLookup().find(id)));
  }

  private static void stopS3() {
    s3.close();
    s3 = null;
  }

  private Camera camera(TestCloud.Registered reg) {
    return Camera.builder().cameraId(reg.id()).secret(reg.secret()).mqtt(cloud.mqttHost(), cloud.mqttPort())
        .segmentSeconds(3).spool(spoolDir, 64L << 20).drainMillis(3_000).build();
  }

  @Test
  void sixtySecondOutage_withSpool_losesNoSegment_andAllArriveLaterWithOriginalTimes() throws Exception {
    TestCloud.Registered reg = cloud.register("outage");
    Camera camera = camera(reg);
    camera.start();
    try (FrameFeeder feeder =
        new FrameFeeder(/* width= */ 320, /* height= */ 180, FPS, 3 * FPS, camera::putFrame).start()) {
      Await.until("2 segments before the outage", TestCloud.WAIT, () -> cloud.distinctNotifications(reg.id()).size(),
          n -> n >= 2);
      stopS3();
      long outageEnds = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      Await.until("segments spooled during the outage", Duration.ofSeconds(60), () -> camera.metrics(),
          m -> m.spooledSegments() >= 3);
      LockSupport.parkNanos(outageEnds - System.nanoTime()); // the outage lasts 60 s
      int cutDuringOutage = (int) (feeder.delivered() / (3 * FPS));
      startS3(s3Port);
      Await.until("backfill done", Duration.ofSeconds(120), () -> camera.metrics(),
          m -> m.spooledSegments() == 0 && m.segmentsUploaded() >= cutDuringOutage);
    }
    camera.close();

    List<SegmentNotification> all = cloud.awaitAllAnnounced(reg.id());
    assertEquals(LongStream.range(0, all.size()).boxed().toList(), all.stream().map(SegmentNotification::seq).toList(),
        "no segment lost");
    assertTrue(all.size() >= 22, "at least 66 s of video: " + all.size());
    long first = all.get(0).start();
    for (SegmentNotification n : all) {
      assertEquals(first + 3_000 * n.seq(), n.start(), "start time as cut, from the encoder clock: " + n);
      assertEquals(ObjectKeys.segmentKey(reg.id(), Instant.ofEpochMilli(n.start()), n.seq()), n.key());
      assertEquals(n.sha256(), Segment.sha256Hex(cloud.object(n.key()).asByteArray()));
    }
    long backfilled = all.stream().filter(n -> n.deviceTime() - n.start() > 20_000).count();
    assertTrue(backfilled >= 10, "segments cut during the outage were uploaded long after: " + backfilled);
    CameraMetrics m = camera.metrics();
    assertEquals(0, m.segmentsDropped());
    assertTrue(m.segmentsBackfilled() >= 15, "the outage's segments waited on disk: " + m);
    assertEquals(all.size(), cloud.keys(reg.id()).size());
  }

  @Test
  void spooledSegments_surviveARestart_andAreBackfilledOldestFirst() throws Exception {
    TestCloud.Registered reg = cloud.register("restart");
    stopS3();
    Camera first = camera(reg);
    first.start();
    try (FrameFeeder feeder =
        new FrameFeeder(/* width= */ 320, /* height= */ 180, FPS, 3 * FPS, first::putFrame).start()) {
      Await.until("4 segments cut", TestCloud.WAIT, () -> feeder.delivered(), n -> n > 4 * 3 * FPS);
    }
    first.close(); // S3 still down: what is queued goes to the spool
    int spooled = first.metrics().spooledSegments();
    assertTrue(spooled >= 4, first.metrics().toString());
    assertEquals(0, first.metrics().segmentsUploaded());

    startS3(s3Port);
    long secondStarted = System.currentTimeMillis();
    Camera second = camera(reg); // a new process would do the same: same spool directory
    assertEquals(spooled, second.metrics().spooledSegments(), "the spool is read back");
    second.start();
    try (FrameFeeder feeder =
        new FrameFeeder(/* width= */ 320, /* height= */ 180, FPS, 3 * FPS, second::putFrame).start()) {
      Await.until("backfill and 2 live segments", TestCloud.WAIT, () -> second.metrics(),
          m -> m.spooledSegments() == 0 && m.segmentsUploaded() >= spooled + 2);
    }
    second.close();
    cloud.awaitAllAnnounced(reg.id());
    List<SegmentNotification> arrived = cloud.distinctNotifications(reg.id());
    List<SegmentNotification> backfill = arrived.stream().filter(n -> n.start() < secondStarted).toList();
    assertEquals(spooled, backfill.size(), arrived.toString());
    List<Long> starts = backfill.stream().map(SegmentNotification::start).toList();
    assertEquals(starts.stream().sorted().toList(), starts, "oldest first");
    assertEquals(LongStream.range(0, spooled).boxed().toList(),
        backfill.stream().map(SegmentNotification::seq).toList(), "the first run's segments, in arrival order");
    for (SegmentNotification n : arrived) {
      assertEquals(n.sha256(), Segment.sha256Hex(cloud.object(n.key()).asByteArray()));
    }
    assertEquals(0, second.metrics().segmentsDropped());
  }
}
