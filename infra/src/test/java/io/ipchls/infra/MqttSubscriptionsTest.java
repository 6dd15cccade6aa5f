package io.ipchls.infra;

import static io.ipchls.infra.MqttSubscriptions.REFUSED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MqttSubscriptions} against the embedded broker: the SUBACK's return codes come back per filter, several
 * subscribes in flight on one client each get their own, and a message published as soon as the future completes is
 * delivered (with {@code MqttClient.subscribe}'s own future, completed on the write, HiveMQ CE lost such messages).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MqttSubscriptionsTest {
  private static final int ROUNDS = 30;
  private static final Vertx vertx = Vertx.vertx();
  private static EmbeddedBroker broker;

  @BeforeAll
  static void start(@TempDir Path dir) {
    broker = EmbeddedBroker.start(new BrokerOptions(dir, null, 0, EmbeddedBrokerTest.AUTH));
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) broker.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void subscribe_filtersTheBrokerRefuses_comeBackAsRefusedInTheirPlace() throws Exception {
    MqttClient cam = connect("cam-a", "secret-a");
    Map<String, Integer> filters = new LinkedHashMap<>();
    filters.put("cameras/cam-a/commands", 1);
    filters.put("#", 1);
    filters.put("cameras/cam-b/commands", 0);
    assertEquals(List.of(1, REFUSED, REFUSED), await(MqttSubscriptions.subscribe(cam, filters)));
    assertEquals(List.of(REFUSED), await(MqttSubscriptions.subscribe(cam, "cameras/+/commands", 1)));
    await(cam.disconnect());
  }

  @Test
  void subscribeGranted_aRefusedFilter_failsNamingIt() throws Exception {
    MqttClient cam = connect("cam-a", "secret-a");
    Map<String, Integer> filters = new LinkedHashMap<>();
    filters.put("cameras/cam-a/commands", 1);
    filters.put("cameras/cam-b/commands", 1);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(MqttSubscriptions.subscribeGranted(cam, filters)));
    assertEquals("subscription refused by broker: cameras/cam-b/commands", e.getCause().getMessage());
    await(MqttSubscriptions.subscribeGranted(cam, "cameras/cam-a/segments/rejected", 1));
    await(cam.disconnect());
  }

  @Test
  void subscribesInFlightTogether_eachGetTheirOwnSuback() throws Exception {
    MqttClient cam = connect("cam-a", "secret-a");
    List<Future<List<Integer>>> answers = new ArrayList<>();
    List<List<Integer>> expected = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      switch (i % 3) {
        case 0 -> {
          Map<String, Integer> two = new LinkedHashMap<>();
          two.put("cameras/cam-a/commands", 1);
          two.put("cameras/cam-b/commands", 1);
          answers.add(MqttSubscriptions.subscribe(cam, two));
          expected.add(List.of(1, REFUSED));
        }
        case 1 -> {
          answers.add(MqttSubscriptions.subscribe(cam, "cameras/cam-a/credentials/response", 0));
          expected.add(List.of(0));
        }
        default -> {
          answers.add(MqttSubscriptions.subscribe(cam, "cameras/cam-b/credentials/response", 1));
          expected.add(List.of(REFUSED));
        }
      }
    }
    List<List<Integer>> got = new ArrayList<>();
    for (Future<List<Integer>> a : answers) got.add(await(a));
    assertEquals(expected, got);
    await(cam.disconnect());
  }

  @Test
  void aMessagePublishedAsSoonAsTheSubscribeCompletes_isDelivered() throws Exception {
    MqttClient subscriber = connect("svc-race-subscriber", "service");
    MqttClient publisher = connect("svc-race-publisher", "service");
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    subscriber.publishHandler(m -> received.add(m.topicName() + " " + m.payload()));
    for (int round = 0; round < ROUNDS; round++) {
      String topic = "race/" + round;
      assertEquals(List.of(1), await(MqttSubscriptions.subscribe(subscriber, topic, 1)));
      await(publisher.publish(topic, Buffer.buffer("m" + round), MqttQoS.AT_LEAST_ONCE, false, false));
      String got = received.poll(30, TimeUnit.SECONDS);
      assertNotNull(got, "round " + round + ": the message published right after the SUBACK was lost");
      assertEquals(topic + " m" + round, got);
    }
    await(subscriber.disconnect());
    await(publisher.disconnect());
  }

  private static MqttClient connect(String user, String password) throws Exception {
    MqttClient c = MqttClient.create(vertx, new MqttClientOptions().setClientId(user).setUsername(user)
        .setPassword(password).setCleanSession(true));
    await(c.connect(broker.port(), broker.host()));
    return c;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
