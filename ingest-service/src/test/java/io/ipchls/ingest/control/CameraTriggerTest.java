package io.ipchls.ingest.control;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.vertx.core.http.HttpMethod.POST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipchls.infra.MqttSubscriptions;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /api/v1/cameras/{id}/trigger} (issue 19 item 5): the cloud's trigger reaches a connected camera as its
 * trigger command, not retained; each refusal has its own test.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CameraTriggerTest {
  private static Vertx vertx;
  private static ControlTestSupport api;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    api = new ControlTestSupport(new IngestTestSupport(v).start());
  }

  /** A camera subscribed to its commands, as a connected camera is. */
  private static MqttClient subscribed(String cameraId, LinkedBlockingQueue<MqttPublishMessage> got) {
    MqttClient c = MqttClient.create(vertx, new MqttClientOptions().setClientId(cameraId).setUsername(cameraId)
        .setPassword("test").setCleanSession(true));
    c.publishHandler(got::add);
    await(c.connect(api.ingest.config.mqtt().port(), api.ingest.config.mqtt().host()));
    await(MqttSubscriptions.subscribeGranted(c, Topics.commands(cameraId), 1));
    return c;
  }

  @Test
  void trigger_reachesTheConnectedCamera_notRetained() throws Exception {
    String cam = api.register("trigger", null);
    LinkedBlockingQueue<MqttPublishMessage> got = new LinkedBlockingQueue<>();
    MqttClient camera = subscribed(cam, got);
    try {
      JsonObject answer = api.ok(POST, "/cameras/" + cam + "/trigger", new JsonObject().put("eventId", "door-1"), 202);
      assertEquals(new JsonObject().put("cameraId", cam).put("eventId", "door-1").put("published", true), answer);
      MqttPublishMessage m = got.poll(IngestTestSupport.TIMEOUT_MS, TimeUnit.MILLISECONDS);
      assertEquals(CameraCommand.trigger("door-1"), Json.decode(m.payload().getBytes(), CameraCommand.class));
      assertFalse(m.isRetain());
    } finally {
      await(camera.disconnect());
    }
    // nothing retained: a camera subscribing later gets no trigger
    LinkedBlockingQueue<MqttPublishMessage> later = new LinkedBlockingQueue<>();
    MqttClient late = subscribed(cam, later);
    try {
      assertNull(later.poll(2, TimeUnit.SECONDS));
    } finally {
      await(late.disconnect());
    }
  }

  @Test
  void trigger_withoutBody_isAccepted() {
    String cam = api.register("trigger-nobody", null);
    assertNull(api.ok(POST, "/cameras/" + cam + "/trigger", null, 202).getString("eventId"));
  }

  @Test
  void trigger_badEventId_is400() {
    String cam = api.register("trigger-badid", null);
    api.refused(POST, "/cameras/" + cam + "/trigger", new JsonObject().put("eventId", "no spaces"), 400,
        "bad_event_id");
  }

  @Test
  void trigger_badJson_is400() {
    String cam = api.register("trigger-badjson", null);
    api.refused(POST, "/cameras/" + cam + "/trigger", "{\"eventId\"", 400, "bad_json");
  }

  @Test
  void trigger_unknownCamera_is404() {
    api.refused(POST, "/cameras/never-registered-cam/trigger", null, 404, "unknown_camera");
  }
}
