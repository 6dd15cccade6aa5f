package io.ipchls.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.MqttConnectionException;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedBrokerTest {
  private static final Map<String, String> CAMERA_PASSWORDS = Map.of("cam-a", "secret-a", "cam-b", "secret-b");
  /** Cameras by password, services by user name "svc-*" with password "service"; "boom" makes the callback throw. */
  static final BrokerAuth AUTH = (clientId, username, password) -> {
    if ("boom".equals(username)) throw new IllegalStateException("callback bug");
    String pw = password == null ? "" : new String(password, StandardCharsets.UTF_8);
    if (username != null && username.startsWith("svc-") && pw.equals("service")) {
      return CompletableFuture.supplyAsync(AuthDecision::allowService);
    }
    if (username != null && pw.equals(CAMERA_PASSWORDS.get(username))) {
      return CompletableFuture.supplyAsync(() -> AuthDecision.allowCamera(username));
    }
    return CompletableFuture.completedFuture(AuthDecision.deny("bad credentials"));
  };

  static EmbeddedBroker broker;
  static Vertx vertx;

  @BeforeAll
  static void start(Vertx v, @TempDir Path dir) {
    vertx = v;
    broker = EmbeddedBroker.start(new BrokerOptions(dir, null, 0, AUTH));
  }

  @AfterAll
  static void stop() {
    if (broker != null) broker.close();
  }

  @Test
  void camera_withItsPassword_connects() throws Exception {
    MqttClient cam = connect("cam-a", "cam-a", "secret-a");
    assertTrue(cam.isConnected());
    await(cam.disconnect());
  }

  @Test
  void camera_withWrongPassword_isRefused() {
    assertRefused("cam-a", "cam-a", "secret-b");
  }

  @Test
  void camera_withClientIdOtherThanItsId_isRefused() {
    assertRefused("cam-b", "cam-a", "secret-a");
  }

  @Test
  void client_whenAuthCallbackThrows_isRefused() {
    assertRefused("x", "boom", "whatever");
  }

  @Test
  void camera_subscribingToEverything_getsSubackFailure() throws Exception {
    MqttClient cam = connect("cam-a", "cam-a", "secret-a");
    assertEquals(List.of(0x80), subscribe(cam, "#", MqttQoS.AT_LEAST_ONCE));
    assertEquals(List.of(0x80), subscribe(cam, Topics.commands("cam-b"), MqttQoS.AT_LEAST_ONCE));
    assertEquals(List.of(1), subscribe(cam, Topics.commands("cam-a"), MqttQoS.AT_LEAST_ONCE));
    await(cam.disconnect());
  }

  @Test
  void camera_publishingOnAnotherCamerasTopic_isDisconnected_andNothingIsDelivered() throws Exception {
    BlockingQueue<MqttPublishMessage> received = new LinkedBlockingQueue<>();
    MqttClient service = subscribed("svc-watch", "svc-watch", "service", "cameras/+/segments", received);

    MqttClient forger = connect("cam-a", "cam-a", "secret-a");
    Promise<Void> closed = Promise.promise();
    forger.closeHandler(v -> closed.tryComplete());
    forger.publish(Topics.segments("cam-b"), Buffer.buffer("forged"), MqttQoS.AT_LEAST_ONCE, false, false);
    await(closed.future());

    MqttClient camB = connect("cam-b", "cam-b", "secret-b");
    await(camB.publish(Topics.segments("cam-b"), Buffer.buffer("genuine"), MqttQoS.AT_LEAST_ONCE, false, false));
    MqttPublishMessage first = received.poll(10, TimeUnit.SECONDS);
    assertEquals("genuine", first.payload().toString());
    await(camB.disconnect());
    await(service.disconnect());
  }

  @Test
  void service_receivesCameraEvent_throughItsSharedSubscription_andTheCameraItsRefusals() throws Exception {
    BlockingQueue<MqttPublishMessage> received = new LinkedBlockingQueue<>();
    MqttClient ingest = subscribed("svc-ingest-ev", "svc-ingest", "service", Topics.INGEST_SHARED_EVENTS, received);

    MqttClient cam = connect("cam-a", "cam-a", "secret-a");
    assertEquals(List.of(1), subscribe(cam, Topics.eventsRejected("cam-a"), MqttQoS.AT_LEAST_ONCE));
    assertEquals(List.of(0x80), subscribe(cam, Topics.eventsRejected("cam-b"), MqttQoS.AT_LEAST_ONCE));
    await(cam.publish(Topics.events("cam-a"), Buffer.buffer("{\"id\":\"e1\"}"), MqttQoS.AT_LEAST_ONCE, false,
        false));
    MqttPublishMessage m = received.poll(10, TimeUnit.SECONDS);
    assertEquals(Topics.events("cam-a"), m.topicName());
    assertEquals("{\"id\":\"e1\"}", m.payload().toString());
    await(cam.disconnect());
    await(ingest.disconnect());
  }

  @Test
  void service_receivesCameraSegment_throughSharedSubscription() throws Exception {
    BlockingQueue<MqttPublishMessage> received = new LinkedBlockingQueue<>();
    MqttClient ingest = subscribed("svc-ingest-1", "svc-ingest", "service", Topics.INGEST_SHARED_SEGMENTS, received);

    MqttClient cam = connect("cam-a", "cam-a", "secret-a");
    await(cam.publish(Topics.segments("cam-a"), Buffer.buffer("{\"seq\":1}"), MqttQoS.AT_LEAST_ONCE, false, false));
    MqttPublishMessage m = received.poll(10, TimeUnit.SECONDS);
    assertEquals(Topics.segments("cam-a"), m.topicName());
    assertEquals("{\"seq\":1}", m.payload().toString());
    await(cam.disconnect());
    await(ingest.disconnect());
  }

  @Test
  void disconnect_closesTheClientsConnection_andReportsWhetherItWasConnected() throws Exception {
    MqttClient cam = connect("cam-b", "cam-b", "secret-b");
    assertTrue(broker.disconnect("cam-b").toCompletableFuture().get(10, TimeUnit.SECONDS));
    Await.until("cam-b disconnected", Duration.ofSeconds(30), () -> !cam.isConnected());
    assertEquals(false, broker.disconnect("nobody").toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  @Test
  void publishLargerThanTheMaxPacket_disconnectsTheSender_andIsNotDelivered() throws Exception {
    BlockingQueue<MqttPublishMessage> received = new LinkedBlockingQueue<>();
    MqttClient service = subscribed("svc-big-1", "svc-big", "service", "cameras/+/status", received);
    MqttClient cam = connect("cam-a", "cam-a", "secret-a");
    cam.publish(Topics.status("cam-a"), Buffer.buffer(new byte[EmbeddedBroker.MAX_PACKET_BYTES]),
        MqttQoS.AT_LEAST_ONCE, false, false);
    Await.until("oversized sender disconnected", Duration.ofSeconds(30), () -> !cam.isConnected());
    assertTrue(service.isConnected());
    MqttClient again = connect("cam-a", "cam-a", "secret-a");
    await(again.publish(Topics.status("cam-a"), Buffer.buffer("{\"v\":1}"), MqttQoS.AT_LEAST_ONCE, false, false));
    MqttPublishMessage m = received.poll(10, TimeUnit.SECONDS);
    assertEquals("{\"v\":1}", m.payload().toString(), "only the small message arrives");
    await(again.disconnect());
    await(service.disconnect());
  }

  /** A client subscribed to {@code topic} (granted QoS 1) that puts what it receives into {@code into}. */
  static MqttClient subscribed(String clientId, String user, String password, String topic,
      BlockingQueue<MqttPublishMessage> into) throws Exception {
    MqttClient client = connect(clientId, user, password);
    client.publishHandler(into::add);
    assertEquals(List.of(1), subscribe(client, topic, MqttQoS.AT_LEAST_ONCE));
    return client;
  }

  static MqttClient connect(String clientId, String user, String password) throws Exception {
    return connect(broker, clientId, user, password, true);
  }

  static MqttClient connect(EmbeddedBroker broker, String clientId, String user, String password,
      boolean cleanSession) throws Exception {
    MqttClient c = MqttClient.create(vertx, new MqttClientOptions()
        .setClientId(clientId).setUsername(user).setPassword(password).setCleanSession(cleanSession));
    await(c.connect(broker.port(), broker.host()));
    return c;
  }

  private static void assertRefused(String clientId, String user, String password) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> connect(clientId, user, password));
    assertTrue(e.getCause() instanceof MqttConnectionException, () -> "refused with CONNACK, got " + e.getCause());
  }

  /** The SUBACK's return codes (0x80: refused). */
  static List<Integer> subscribe(MqttClient c, String filter, MqttQoS qos) throws Exception {
    return await(MqttSubscriptions.subscribe(c, filter, qos.value()));
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
