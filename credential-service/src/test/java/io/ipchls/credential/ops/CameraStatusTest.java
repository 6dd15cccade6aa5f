package io.ipchls.credential.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.CredentialService;
import io.ipchls.infra.Await;
import io.ipchls.infra.LocalStack;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.OnlineCamera;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * credential-service follows {@code cameras/+/status} (its own shared group): online cameras are in the cluster map
 * {@code ipchls.cameras.online}, the counters cameras report become {@code camera_segments_uploaded_total} and
 * {@code camera_segments_dropped_total} by their growth, and a bad status is counted and dropped.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CameraStatusTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static Vertx vertx;
  private static WebClient web;
  private static MqttClient publisher;

  @BeforeAll
  static void deploy(Vertx v) throws Exception {
    vertx = v;
    LocalStack stack = LocalStack.sharedForTests();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    var pg = stack.postgres();
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("db", pg.dbSection())
        .put("mqtt", stack.broker().mqttSection("svc-status", "pw"))
        .put("s3", new JsonObject().put("endpoint", stack.s3().endpoint().toString()).put("bucket", "ipchls"))
        .put("adminToken", "status-test-admin-token-0123")
        .put("serviceAccounts", new JsonObject().put("svc-status", Sha256.hex("pw")));
    await(CredentialService.deploy(vertx, CredentialConfig.fromJson(config)));
    web = WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port));
    publisher = MqttClient.create(vertx, new MqttClientOptions().setClientId("status-test-" + UUID.randomUUID())
        .setUsername("test").setPassword("test"));
    await(publisher.connect(stack.broker().port(), stack.broker().host()));
  }

  @AfterAll
  static void disconnect() {
    await(publisher.disconnect());
  }

  @Test
  void onlineWithCounters_isOnline_countersGrowByTheirIncrease_offlineLeaves() {
    String cam = camera();
    double uploaded = metric("camera_segments_uploaded_total");
    double dropped = metric("camera_segments_dropped_total");
    status(cam, "{\"v\":1,\"state\":\"online\",\"time\":1,\"uploaded\":3,\"dropped\":0}");
    awaitOnline(cam, 3);
    status(cam, "{\"v\":1,\"state\":\"online\",\"time\":2,\"uploaded\":5,\"dropped\":1}");
    awaitOnline(cam, 5);
    Await.until("uploads counted by growth", WAIT, () -> metric("camera_segments_uploaded_total") - uploaded,
        d -> d == 5.0);
    assertEquals(1.0, metric("camera_segments_dropped_total") - dropped);

    status(cam, "{\"v\":1,\"state\":\"offline\"}");
    Await.until("offline camera leaves the map", WAIT, () -> online(cam) == null);
  }

  @Test
  void cameraRestarted_countersStartFromZeroAgain() {
    String cam = camera();
    double uploaded = metric("camera_segments_uploaded_total");
    status(cam, "{\"v\":1,\"state\":\"online\",\"time\":1,\"uploaded\":10}");
    awaitOnline(cam, 10);
    status(cam, "{\"v\":1,\"state\":\"online\",\"time\":2,\"uploaded\":2}"); // a new process: 2 since it started
    awaitOnline(cam, 2);
    Await.until("10 + 2 uploads", WAIT, () -> metric("camera_segments_uploaded_total") - uploaded, d -> d == 12.0);
  }

  @Test
  void statusWithoutCounters_isOnlineAndCountsNothing() {
    String cam = camera();
    double uploaded = metric("camera_segments_uploaded_total");
    status(cam, "{\"v\":1,\"state\":\"online\",\"time\":1}");
    Await.until("online", WAIT, () -> online(cam) != null);
    assertEquals(0.0, metric("camera_segments_uploaded_total") - uploaded);
  }

  @Test
  void malformedJson_isCountedAndDropped() {
    assertRejected("{\"v\":1,\"state\":", "malformed");
  }

  @Test
  void unknownState_isCountedAndDropped() {
    assertRejected("{\"v\":1,\"state\":\"sleeping\"}", "malformed");
  }

  @Test
  void negativeCounter_isCountedAndDropped() {
    assertRejected("{\"v\":1,\"state\":\"online\",\"uploaded\":-1}", "malformed");
  }

  @Test
  void statusOnATopicNamingNoCamera_isCountedAndDropped() {
    double before = metric("camera_status_rejected_total{reason=\"topic\"");
    await(publisher.publish("cameras/NOT VALID/status", Buffer.buffer("{\"v\":1,\"state\":\"online\"}"),
        MqttQoS.AT_LEAST_ONCE, false, false));
    Await.until("rejection counted", WAIT, () -> metric("camera_status_rejected_total{reason=\"topic\"") - before,
        d -> d == 1.0);
  }

  private void assertRejected(String payload, String reason) {
    String cam = camera();
    String series = "camera_status_rejected_total{reason=\"" + reason + "\"";
    double before = metric(series);
    status(cam, payload);
    Await.until("rejection counted", WAIT, () -> metric(series) - before, d -> d == 1.0);
    assertNull(online(cam), "a bad status changes nothing");
  }

  private static String camera() {
    return "status-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void status(String cam, String payload) {
    await(publisher.publish(Topics.status(cam), Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false));
  }

  private static void awaitOnline(String cam, long uploaded) {
    Await.until(cam + " online with " + uploaded + " uploads", WAIT, () -> online(cam),
        e -> e != null && "online".equals(e.state()) && e.uploaded() != null && e.uploaded() == uploaded);
  }

  private static OnlineCamera online(String cam) {
    JsonObject entry = await(vertx.sharedData().<String, JsonObject>getAsyncMap(ClusterNames.CAMERAS_ONLINE)
        .compose(m -> m.get(cam)));
    return entry == null ? null : ClusterMessages.fromJson(entry, OnlineCamera.class);
  }

  /** The value of the first line of /metrics starting with {@code series} (0 when absent). */
  private static double metric(String series) {
    String body = await(web.get("/metrics").bearerTokenAuthentication("status-test-admin-token-0123").send()).bodyAsString();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "[^ ]* ([0-9.eE+-]+)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }
}
