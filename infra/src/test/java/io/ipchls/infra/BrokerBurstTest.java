package io.ipchls.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst of camera notifications through ingest's shared subscription, the way ingest consumes them (several
 * persistent sessions, QoS 1, PUBACK sent by the subscriber itself after it has the message): every message a camera
 * got a PUBACK for arrives, none is lost under load.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BrokerBurstTest {
  private static final int CAMERAS = 5;
  private static final int PER_CAMERA = 10_000;
  /** Unacknowledged publishes a camera keeps open, as a camera with a backlog of segments would. */
  private static final int CAMERA_WINDOW = 500;
  private static final int SUBSCRIBERS = 4;
  private static final BrokerAuth AUTH = (clientId, username, password) -> {
    String pw = password == null ? "" : new String(password, StandardCharsets.UTF_8);
    if ("svc-ingest".equals(username) && pw.equals("service")) {
      return CompletableFuture.completedFuture(AuthDecision.allowService());
    }
    if (username != null && username.startsWith("cam-") && pw.equals("secret-" + username)) {
      return CompletableFuture.completedFuture(AuthDecision.allowCamera(username));
    }
    return CompletableFuture.completedFuture(AuthDecision.deny("bad credentials"));
  };

  @Test
  void burstFromSeveralCameras_throughTheSharedSubscription_arrivesComplete(Vertx vertx, @TempDir Path dir)
      throws Exception {
    Set<String> expected = new HashSet<>();
    for (int c = 0; c < CAMERAS; c++) {
      for (int i = 0; i < PER_CAMERA; i++) expected.add(payload(c, i));
    }
    Set<String> received = ConcurrentHashMap.newKeySet();
    CompletableFuture<Void> all = new CompletableFuture<>();
    try (EmbeddedBroker broker = EmbeddedBroker.start(new BrokerOptions(dir, null, 0, AUTH))) {
      List<MqttClient> subscribers = new ArrayList<>();
      for (int s = 0; s < SUBSCRIBERS; s++) {
        MqttClientOptions options = new MqttClientOptions().setClientId("svc-ingest-" + s)
            .setUsername("svc-ingest").setPassword("service").setCleanSession(false);
        options.setAutoAck(false);
        MqttClient sub = MqttClient.create(vertx, options);
        sub.publishHandler(m -> {
          received.add(m.payload().toString());
          m.ack();
          if (received.size() == expected.size()) all.complete(null);
        });
        EmbeddedBrokerTest.await(sub.connect(broker.port(), broker.host()));
        EmbeddedBrokerTest.await(MqttSubscriptions.subscribeGranted(sub, Topics.INGEST_SHARED_SEGMENTS,
            MqttQoS.AT_LEAST_ONCE.value()));
        subscribers.add(sub);
      }

      List<Future<Void>> cameras = new ArrayList<>();
      for (int c = 0; c < CAMERAS; c++) {
        String id = "cam-" + c;
        MqttClient cam = MqttClient.create(vertx, new MqttClientOptions().setClientId(id).setUsername(id)
            .setPassword("secret-" + id).setMaxInflightQueue(CAMERA_WINDOW));
        EmbeddedBrokerTest.await(cam.connect(broker.port(), broker.host()));
        cameras.add(burst(vertx, cam, c));
      }
      Future.all(cameras).toCompletionStage().toCompletableFuture().get(240, TimeUnit.SECONDS);
      all.get(240, TimeUnit.SECONDS);
      assertEquals(expected, new HashSet<>(received), "every acknowledged publish arrives, and nothing else");
      for (MqttClient sub : subscribers) EmbeddedBrokerTest.await(sub.disconnect());
    }
  }

  /** Publishes the camera's messages, keeping {@link #CAMERA_WINDOW} unacknowledged; completes on the last PUBACK. */
  private static Future<Void> burst(Vertx vertx, MqttClient cam, int c) {
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger acked = new AtomicInteger();
    String topic = Topics.segments("cam-" + c);
    Runnable[] sendOne = new Runnable[1];
    sendOne[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= PER_CAMERA) return;
      cam.publish(topic, Buffer.buffer(payload(c, i)), MqttQoS.AT_LEAST_ONCE, false, false);
    };
    cam.publishCompletionHandler(id -> {
      if (acked.incrementAndGet() == PER_CAMERA) {
        cam.disconnect().onComplete(x -> done.complete());
      } else {
        sendOne[0].run();
      }
    });
    vertx.runOnContext(x -> {
      for (int i = 0; i < CAMERA_WINDOW; i++) sendOne[0].run();
    });
    return done.future();
  }

  private static String payload(int camera, int i) {
    return "cam-" + camera + ":" + i;
  }
}
