package io.ipchls.ingest.indexing;

import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.ArrayDeque;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends PUBACKs in the order the PUBLISH packets arrived, as MQTT 3.1.1 §4.6 requires of a receiver
 * ([MQTT-4.6.0-2]), although messages finish in any order (rejected at once, or committed by whichever batch write
 * ends first). A broker that tracks its in-flight window in order (HiveMQ does) otherwise stalls. A message is
 * acknowledged once it and every message received before it are done. Every message received and not yet
 * acknowledged is held here (a QoS 0 one until it is done, without a PUBACK), so {@link #held()} is what this
 * connection holds in memory; {@code onHeld} hears each change of it. Event-loop confined.
 */
public final class OrderedAcks {
  private static final Logger LOG = LoggerFactory.getLogger(OrderedAcks.class);

  private static final class Entry {
    final MqttPublishMessage message;
    boolean done;

    Entry(MqttPublishMessage message) {
      this.message = message;
    }
  }

  private final ArrayDeque<Entry> inOrder = new ArrayDeque<>();
  private final IntConsumer onHeld;

  public OrderedAcks(IntConsumer onHeld) {
    this.onHeld = onHeld;
  }

  /** Registers a received message; run the returned action when it is done (committed or refused). */
  public Runnable received(MqttPublishMessage message) {
    Entry e = new Entry(message);
    inOrder.add(e);
    onHeld.accept(inOrder.size());
    return () -> {
      if (e.done) return;
      e.done = true;
      drain();
    };
  }

  /** Messages received and not yet acknowledged (done or not). */
  public int held() {
    return inOrder.size();
  }

  private void drain() {
    int before = inOrder.size();
    while (!inOrder.isEmpty() && inOrder.peek().done) {
      MqttPublishMessage m = inOrder.poll().message;
      if (m.qosLevel().value() == 0) continue; // nothing to acknowledge
      try {
        m.ack();
      } catch (RuntimeException e) {
        // the connection it came on is gone; the broker redelivers it on the new one and the insert is idempotent
        LOG.debug("cannot acknowledge message {}: {}", m.messageId(), e.getMessage());
      }
    }
    if (inOrder.size() != before) onHeld.accept(inOrder.size());
  }
}
