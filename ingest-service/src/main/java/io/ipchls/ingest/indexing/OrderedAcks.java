package io.ipchls.ingest.indexing;

import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends PUBACKs in the order the PUBLISH packets arrived, as MQTT 3.1.1 §4.6 requires of a receiver
 * ([MQTT-4.6.0-2]), although messages finish in any order (rejected at once, or committed by whichever batch write
 * ends first). A broker that tracks its in-flight window in order (HiveMQ does) otherwise stalls. A message is
 * acknowledged once it and every message received before it are done. Event-loop confined.
 */
final class OrderedAcks {
  private static final Logger LOG = LoggerFactory.getLogger(OrderedAcks.class);

  private static final class Entry {
    final MqttPublishMessage message;
    boolean done;

    Entry(MqttPublishMessage message) {
      this.message = message;
    }
  }

  private final ArrayDeque<Entry> inOrder = new ArrayDeque<>();

  /** Registers a received message; run the returned action when it is done (committed or refused). */
  Runnable received(MqttPublishMessage message) {
    if (message.qosLevel().value() == 0) return () -> {};
    Entry e = new Entry(message);
    inOrder.add(e);
    return () -> {
      e.done = true;
      drain();
    };
  }

  private void drain() {
    while (!inOrder.isEmpty() && inOrder.peek().done) {
      MqttPublishMessage m = inOrder.poll().message;
      try {
        m.ack();
      } catch (RuntimeException e) {
        // the connection it came on is gone; the broker redelivers it on the new one and the insert is idempotent
        LOG.debug("cannot acknowledge message {}: {}", m.messageId(), e.getMessage());
      }
    }
  }
}
