package io.ipchls.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttConnAckMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker with a server certificate: MQTT over TLS on its port, and a plain listener only where
 * {@code plainPort} asks for one.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedBrokerTlsTest {
  static EmbeddedBroker broker;
  static Vertx vertx;
  static Path caFile;

  @BeforeAll
  static void start(Vertx v, @TempDir Path dir) {
    vertx = v;
    LocalCa ca = LocalCa.loadOrCreate(dir.resolve("tls"));
    caFile = ca.certificateFile();
    broker = EmbeddedBroker.start(new BrokerOptions(dir.resolve("mqtt"), null, 0, EmbeddedBrokerTest.AUTH,
        ca.serverTls("server", List.of("127.0.0.1")), /* plainPort= */ 0));
  }

  @AfterAll
  static void stop() {
    if (broker != null) broker.close();
  }

  @Test
  void tlsPort_acceptsAClientVerifyingTheCertificateAndHostName() throws Exception {
    MqttClient c = MqttClient.create(vertx, options("svc-tls").setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
        .setTrustOptions(new PemTrustOptions().addCertPath(caFile.toString())));
    MqttConnAckMessage ack = await(c.connect(broker.port(), "127.0.0.1"));
    assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, ack.code());
    await(c.disconnect());
    assertEquals("true", String.valueOf(broker.mqttSection("svc", "pw").getBoolean("ssl")));
    assertEquals(caFile.toString(), broker.mqttSection("svc", "pw").getString("caFile"));
  }

  @Test
  void tlsPort_refusesPlainMqtt() {
    MqttClient c = MqttClient.create(vertx, options("svc-plain-on-tls"));
    assertThrows(ExecutionException.class, () -> await(c.connect(broker.port(), "127.0.0.1")));
  }

  @Test
  void configuredPlainPort_speaksPlainMqtt() throws Exception {
    assertTrue(broker.plainPort() > 0 && broker.plainPort() != broker.port(), "plain " + broker.plainPort());
    MqttClient c = MqttClient.create(vertx, options("svc-plain"));
    assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, await(c.connect(broker.plainPort(), "127.0.0.1")).code());
    await(c.disconnect());
  }

  private static MqttClientOptions options(String clientId) {
    return new MqttClientOptions().setClientId(clientId).setUsername(clientId).setPassword("service");
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
