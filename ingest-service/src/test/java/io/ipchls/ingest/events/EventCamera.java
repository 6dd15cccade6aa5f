package io.ipchls.ingest.events;

import static io.ipchls.ingest.IngestTestSupport.await;
import static org.junit.jupiter.api.Assertions.fail;

import io.ipchls.infra.MqttSubscriptions;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.protocol.EventRejected;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A camera's MQTT link for events: publishes events (and segments) and collects what ingest refuses. */
final class EventCamera implements AutoCloseable {
  final String id;
  private final MqttClient client;
  final LinkedBlockingQueue<EventRejected> rejections = new LinkedBlockingQueue<>();

  EventCamera(IngestTestSupport ingest, String id) {
    this.id = id;
    this.client = MqttClient.create(ingest.vertx, new MqttClientOptions().setClientId(id).setCleanSession(true)
        .setMaxInflightQueue(1000).setUsername(id).setPassword("test"));
    client.publishHandler(m -> rejections.add(Json.decode(m.payload().getBytes(), EventRejected.class)));
    await(client.connect(ingest.config.mqtt().port(), ingest.config.mqtt().host()));
    await(MqttSubscriptions.subscribeGranted(client, Topics.eventsRejected(id), 1));
  }

  void publishEvent(String json) {
    await(client.publish(Topics.events(id), Buffer.buffer(json.getBytes(StandardCharsets.UTF_8)),
        MqttQoS.AT_LEAST_ONCE, false, false));
  }

  void publishSegment(SegmentNotification n) {
    await(client.publish(Topics.segments(id), Buffer.buffer(Json.encode(n)), MqttQoS.AT_LEAST_ONCE, false, false));
  }

  EventRejected awaitRejection() {
    try {
      EventRejected r = rejections.poll(IngestTestSupport.TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (r == null) fail("nothing on " + Topics.eventsRejected(id));
      return r;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(client.disconnect());
  }
}
