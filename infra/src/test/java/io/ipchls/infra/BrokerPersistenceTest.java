package io.ipchls.infra;

import static io.ipchls.infra.EmbeddedBrokerTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttConnAckMessage;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerPersistenceTest {
  @TempDir Path dir;

  @Test
  void persistentSession_keepsSubscriptionAcrossRestart_andGetsMessagesSentWhileOffline(Vertx vertx)
      throws Exception {
    BrokerOptions options = new BrokerOptions(dir, null, 0, EmbeddedBrokerTest.AUTH);
    try (EmbeddedBroker broker = EmbeddedBroker.start(options)) {
      MqttClient status = client(vertx, "svc-status", false);
      await(status.connect(broker.port(), broker.host()));
      assertEquals(List.of(1), EmbeddedBrokerTest.subscribe(status, "cameras/+/status", MqttQoS.AT_LEAST_ONCE));
      await(status.disconnect());
    }
    try (EmbeddedBroker broker = EmbeddedBroker.start(options)) {
      MqttClient cam = MqttClient.create(vertx, new MqttClientOptions()
          .setClientId("cam-a").setUsername("cam-a").setPassword("secret-a"));
      await(cam.connect(broker.port(), broker.host()));
      await(cam.publish(Topics.status("cam-a"), Buffer.buffer("online"), MqttQoS.AT_LEAST_ONCE, false, false));
      await(cam.disconnect());

      BlockingQueue<MqttPublishMessage> received = new LinkedBlockingQueue<>();
      MqttClient status = client(vertx, "svc-status", false);
      status.publishHandler(received::add);
      MqttConnAckMessage ack = await(status.connect(broker.port(), broker.host()));
      assertTrue(ack.isSessionPresent(), "session survived the restart");
      MqttPublishMessage m = received.poll(10, TimeUnit.SECONDS);
      assertNotNull(m, "message queued while offline is delivered");
      assertEquals("online", m.payload().toString());
      await(status.disconnect());
    }
  }


  private static MqttClient client(Vertx vertx, String id, boolean clean) {
    return MqttClient.create(vertx, new MqttClientOptions()
        .setClientId(id).setUsername(id).setPassword("service").setCleanSession(clean));
  }
}
