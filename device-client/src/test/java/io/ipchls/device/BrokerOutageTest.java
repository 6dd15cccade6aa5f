package io.ipchls.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.testing.FrameFeeder;
import io.ipchls.device.testing.TestCloud;
import io.ipchls.infra.Await;
import io.ipchls.infra.BrokerOptions;
import io.ipchls.infra.EmbeddedBroker;
import io.ipchls.infra.LocalStack;
import io.ipchls.protocol.CameraStatus;
import io.ipchls.protocol.SegmentNotification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker outage, for real: the test runs its own embedded broker, stops it and starts it again on the same port and
 * data folder. Uploads go on meanwhile (the keys are still valid); every notification waits in the camera's outbox
 * until the broker acknowledges it, and goes out after the camera reconnected by itself.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BrokerOutageTest {
  private static final int FPS = 10;
  @TempDir static Path brokerDir;
  static EmbeddedBroker broker;
  static int port;
  static TestCloud cloud;

  @BeforeAll
  static void start() {
    LocalStack stack = LocalStack.sharedForTests();
    broker = startBroker(0);
    port = broker.port();
    cloud = TestCloud.create(stack.s3().endpoint(), stack.s3().bucket(), broker.host(), port);
    stack.useKeyLookup(cloud.keyLookup());
    cloud.deploy(3600);
  }

  @AfterEach
  void brokerUp() {
    if (broker == null) {
      broker = startBroker(port);
      cloud.connectObserver();
    }
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
    if (broker != null) broker.close();
  }

  private static EmbeddedBroker startBroker(int p) {
    return EmbeddedBroker.start(new BrokerOptions(brokerDir, null, p,
        (clientId, user, password) -> cloud.brokerAuth().authenticate(clientId, user, password)));
  }

  @Test
  void notificationsDuringABrokerOutage_areKeptUntilAcknowledged_andSentAfterTheReconnect() throws Exception {
    TestCloud.Registered reg = cloud.register("mqtt-down");
    Camera camera = Camera.builder().cameraId(reg.id()).secret(reg.secret()).mqtt(cloud.mqttHost(), port)
        .segmentSeconds(1).build();
    camera.start();
    try (FrameFeeder feeder =
        new FrameFeeder(/* width= */ 320, /* height= */ 180, FPS, FPS, camera::putFrame).start()) {
      Await.until("2 segments announced", TestCloud.WAIT, () -> cloud.distinctNotifications(reg.id()).size(),
          n -> n >= 2);
      broker.close();
      broker = null;
      CameraMetrics during = Await.until("3 segments stored while the broker is down", TestCloud.WAIT,
          camera::metrics, m -> m.notificationsPending() >= 3);
      assertTrue(during.segmentsUploaded() > cloud.distinctNotifications(reg.id()).size(), during.toString());
      broker = startBroker(port);
      cloud.connectObserver();
      long stored = during.segmentsUploaded();
      Await.until("the kept notifications delivered", Duration.ofSeconds(120),
          () -> cloud.distinctNotifications(reg.id()).size(), n -> n >= stored);
      Await.until("camera online again", TestCloud.WAIT, () -> cloud.retainedStatus(reg.id()),
          CameraStatus.ONLINE::equals);
    }
    camera.close();
    Await.until("all acknowledged", TestCloud.WAIT, () -> cloud.distinctNotifications(reg.id()).size(),
        n -> n == camera.metrics().segmentsUploaded());
    List<SegmentNotification> all = cloud.distinctNotifications(reg.id()).stream()
        .sorted(Comparator.comparingLong(SegmentNotification::seq)).toList();
    assertEquals(LongStream.range(0, all.size()).boxed().toList(), all.stream().map(SegmentNotification::seq).toList(),
        "every stored segment announced once it could be");
    assertEquals(0, camera.metrics().notificationsPending());
    assertEquals(0, camera.metrics().segmentsDropped());
  }

  @Test
  void notificationsUnacknowledgedAtShutdown_areSentByTheNextRunFromTheSpool(@TempDir Path spool) throws Exception {
    TestCloud.Registered reg = cloud.register("journal");
    CameraBuilder builder = Camera.builder().cameraId(reg.id()).secret(reg.secret()).mqtt(cloud.mqttHost(), port)
        .segmentSeconds(1).spool(spool, 64L << 20).drainMillis(3_000);
    Camera first = builder.build();
    first.start();
    try (FrameFeeder feeder = new FrameFeeder(/* width= */ 320, /* height= */ 180, FPS, FPS, first::putFrame).start()) {
      Await.until("a segment announced", TestCloud.WAIT, () -> cloud.distinctNotifications(reg.id()).size(),
          n -> n >= 1);
      broker.close();
      broker = null;
      Await.until("2 segments stored while the broker is down", TestCloud.WAIT, first::metrics,
          m -> m.notificationsPending() >= 2);
    }
    first.close(); // the broker is still down: the notifications stay in the spool's journal
    long stored = first.metrics().segmentsUploaded();
    assertTrue(first.metrics().notificationsPending() >= 2, first.metrics().toString());

    broker = startBroker(port);
    cloud.connectObserver();
    Camera second = builder.build(); // the next run, same spool
    second.start();
    Await.until("every stored segment announced", Duration.ofSeconds(120),
        () -> cloud.distinctNotifications(reg.id()).size(), n -> n >= stored);
    Await.until("acknowledged journal entries deleted", TestCloud.WAIT, () -> journalEntries(spool) == 0);
    assertEquals(0, second.metrics().notificationsPending());
    second.close();
    List<SegmentNotification> all = cloud.awaitAllAnnounced(reg.id());
    assertEquals(LongStream.range(0, stored).boxed().toList(), all.stream().map(SegmentNotification::seq).toList());
  }

  private static long journalEntries(Path spool) {
    try (var files = Files.list(spool.resolve(Camera.JOURNAL))) {
      return files.count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
