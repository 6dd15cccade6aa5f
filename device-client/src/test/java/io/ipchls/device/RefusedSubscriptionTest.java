package io.ipchls.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.testing.TestCloud;
import io.ipchls.infra.Await;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.mqtt.MqttTopicSubscription;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A broker that refuses one of the camera's subscriptions (SUBACK 0x80, MQTT 3.1.1 §3.9.3), as an external broker
 * whose ACL lacks the credential answer topic does: the camera must not count itself connected, since it would ask
 * for credentials whose answer can never reach it. It says why instead, and tries again later.
 *
 * <p>The embedded broker cannot be made to give this answer: its ACL grants a camera exactly these topics
 * ({@code Topics.cameraMaySubscribe}), and a login as another camera is refused at CONNECT already (infra
 * {@code BrokerSecurity}); Mosquitto 2.0 grants a denied SUBSCRIBE and only withholds the messages
 * ({@code ExternalServersIT}). So the refusal EMQX and HiveMQ give comes from a stand-in broker: Vert.x's MQTT server
 * accepting every login and refusing the one topic. Everything else about the camera's MQTT link is tested against
 * the real embedded broker.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RefusedSubscriptionTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    TestCloud.await(vertx.close());
  }

  @Test
  void aBrokerRefusingTheCredentialAnswerTopic_failsTheConnectWithTheReason_andTheCameraTriesAgain() throws Exception {
    String id = "refused-" + UUID.randomUUID().toString().substring(0, 8);
    StandInBroker broker = new StandInBroker(vertx, Topics.credentialsResponse(id));
    Camera camera = Camera.builder().cameraId(id).secret("secret").mqtt("127.0.0.1", broker.port()).build();
    camera.start();
    try {
      Await.until("the camera connecting a second time", TestCloud.WAIT, broker.connects::get, n -> n >= 2);
      String reason = "subscription refused by broker: " + Topics.credentialsResponse(id);
      assertEquals(reason, camera.metrics().lastError());
      assertTrue(camera.metrics().statusLine().endsWith(" | last error: " + reason), camera.metrics().statusLine());
      assertEquals(List.of(Topics.credentialsResponse(id), Topics.segmentsRejected(id), Topics.commands(id)),
          broker.subscribes.get(0), "the camera's three topics, in one SUBSCRIBE");
      assertEquals(List.of(), broker.published, "neither an online status nor a credential request went out");
    } finally {
      camera.close();
    }
  }

  /** Accepts every login, refuses {@code refused} and grants every other topic; keeps what it is sent. */
  private static final class StandInBroker {
    final AtomicInteger connects = new AtomicInteger();
    final List<List<String>> subscribes = new CopyOnWriteArrayList<>();
    final List<String> published = new CopyOnWriteArrayList<>();
    private final MqttServer server;

    StandInBroker(Vertx vertx, String refused) {
      server = MqttServer.create(vertx, new MqttServerOptions().setHost("127.0.0.1").setPort(0));
      server.endpointHandler(endpoint -> {
        connects.incrementAndGet();
        endpoint.subscribeHandler(s -> {
          subscribes.add(s.topicSubscriptions().stream().map(MqttTopicSubscription::topicName).toList());
          endpoint.subscribeAcknowledge(s.messageId(), s.topicSubscriptions().stream()
              .map(t -> t.topicName().equals(refused) ? MqttQoS.FAILURE : t.qualityOfService()).toList());
        });
        endpoint.publishHandler(m -> {
          published.add(m.topicName());
          if (m.qosLevel() == MqttQoS.AT_LEAST_ONCE) endpoint.publishAcknowledge(m.messageId());
        });
        endpoint.accept(/* sessionPresent= */ false);
      });
      TestCloud.await(server.listen());
    }

    int port() {
      return server.actualPort();
    }
  }
}
