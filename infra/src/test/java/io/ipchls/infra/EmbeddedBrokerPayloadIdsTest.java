package io.ipchls.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two embedded brokers in one JVM (tests and benchmarks do this): starting the second must not make the first
 * deliver a message with another message's payload. HiveMQ keys payloads by a JVM-wide counter that each broker's
 * start set back to its own data folder's highest id; the first broker then filed new messages under ids its
 * retained messages still held, and subscribers got the retained payloads under the new topics.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedBrokerPayloadIdsTest {
  private final Vertx vertx = Vertx.vertx();
  private EmbeddedBroker first;
  private EmbeddedBroker second;

  @AfterEach
  void stop() throws Exception {
    if (second != null) second.close();
    if (first != null) first.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void startingASecondBroker_leavesTheFirstDeliveringEachMessageWithItsOwnPayload(@TempDir Path dir)
      throws Exception {
    first = EmbeddedBroker.start(new BrokerOptions(dir.resolve("first"), null, 0, EmbeddedBrokerTest.AUTH));
    MqttClient publisher = connect(first, "svc-publisher");
    java.util.concurrent.atomic.AtomicInteger acked = new java.util.concurrent.atomic.AtomicInteger();
    publisher.publishCompletionHandler(id -> acked.incrementAndGet());
    // retained messages keep their payloads (and ids) alive for as long as the broker runs
    for (int i = 0; i < 50; i++) {
      publish(publisher, "retained/" + i, "retained payload " + i, true);
    }
    Await.until("retained messages acknowledged", java.time.Duration.ofSeconds(30), acked::get, n -> n == 50);
    second = EmbeddedBroker.start(new BrokerOptions(dir.resolve("second"), null, 0, EmbeddedBrokerTest.AUTH));

    MqttClient subscriber = connect(first, "svc-subscriber");
    Map<String, List<String>> received = new ConcurrentHashMap<>();
    subscriber.publishHandler(m -> {
      if (m.topicName().startsWith("live/")) {
        received.computeIfAbsent(m.topicName(), t -> new CopyOnWriteArrayList<>()).add(m.payload().toString());
      }
    });
    // the SUBACK, not the SUBSCRIBE's write: HiveMQ adds the subscription asynchronously
    assertEquals(List.of(1), MqttSubscriptions.subscribe(subscriber, "live/#", 1).await(30, TimeUnit.SECONDS));
    Map<String, List<String>> expected = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      publish(publisher, "live/" + i, "live payload " + i, false);
      expected.put("live/" + i, List.of("live payload " + i));
    }
    // MQTT 3.1.1 §4.6 orders messages per topic only: these 50 topics may arrive in any order
    Await.until("a message on each of the 50 live topics", java.time.Duration.ofSeconds(30), received::size,
        n -> n == 50);
    assertEquals(expected, received, "each live topic got its own message once, with its own payload");
    for (MqttClient c : List.of(publisher, subscriber)) c.disconnect().await(30, TimeUnit.SECONDS);
  }

  private MqttClient connect(EmbeddedBroker broker, String user) throws Exception {
    MqttClient c = MqttClient.create(vertx, new MqttClientOptions().setClientId(user).setUsername(user)
        .setPassword("service").setCleanSession(true).setMaxInflightQueue(1000));
    c.connect(broker.port(), broker.host()).await(30, TimeUnit.SECONDS);
    return c;
  }

  private static void publish(MqttClient c, String topic, String payload, boolean retain) throws Exception {
    Future<Integer> sent = c.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, retain);
    sent.await(30, TimeUnit.SECONDS);
  }
}
