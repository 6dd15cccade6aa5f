package io.ipchls.device.mqtt;

import io.ipchls.protocol.SegmentNotification;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Segment notifications kept until the broker acknowledges them (PUBACK), oldest first, at most {@code window} in
 * flight. A lost connection puts the in-flight ones back (a clean session forgets them), so they are published again
 * after the reconnect. Beyond {@code capacity} the oldest are dropped and counted. Not thread-safe: the agent uses it
 * on its Vert.x context only.
 *
 * <p>vertx-mqtt reports a publish's packet id when the write completes, and under load the PUBACK can be handled
 * before that: such an early acknowledgement is remembered for {@value #EARLY_ACK_SECONDS} s and matched when the
 * packet id arrives. Acknowledgements of the agent's other QoS 1 publishes (status, credential requests) land there
 * too and expire unmatched; a packet id is not reused within that time (it would take 65 535 publishes).
 */
final class NotificationOutbox {
  private final int window;
  private final int capacity;
  /** By object key: a redelivered upload of the same segment replaces nothing. */
  private final LinkedHashMap<String, SegmentNotification> waiting = new LinkedHashMap<>();
  private final Map<Integer, String> keyByPacket = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Map<Integer, Long> earlyAcks = new HashMap<>();
  static final long EARLY_ACK_SECONDS = 30;
  private final Consumer<String> onAcknowledged;
  private long acked;
  private long dropped;

  /** @param onAcknowledged called with the key of every notification the broker acknowledged */
  NotificationOutbox(int window, int capacity, Consumer<String> onAcknowledged) {
    this.window = window;
    this.capacity = capacity;
    this.onAcknowledged = onAcknowledged;
  }

  /** Keeps a notification; returns the keys of the oldest ones dropped to stay within the capacity. */
  List<String> add(SegmentNotification n) {
    waiting.put(n.key(), n);
    List<String> droppedKeys = new ArrayList<>(0);
    for (Iterator<String> oldest = waiting.keySet().iterator(); waiting.size() > capacity; ) {
      String key = oldest.next();
      oldest.remove();
      inFlight.remove(key);
      droppedKeys.add(key);
      dropped++;
    }
    return droppedKeys;
  }

  /** Notifications to publish now, oldest first, marked in flight: as many as the window has room for. */
  List<SegmentNotification> takeSendable() {
    List<SegmentNotification> out = new ArrayList<>();
    for (SegmentNotification n : waiting.values()) {
      if (inFlight.size() >= window) break;
      if (inFlight.add(n.key())) out.add(n);
    }
    return out;
  }

  /** The publish of {@code key} went out as {@code packetId}. */
  void sent(String key, int packetId) {
    if (!inFlight.contains(key)) return;
    keyByPacket.put(packetId, key);
    Long early = earlyAcks.remove(packetId);
    if (early != null && System.nanoTime() - early < TimeUnit.SECONDS.toNanos(EARLY_ACK_SECONDS)) {
      acknowledged(packetId);
    }
  }

  /** The publish of {@code key} could not be written; it waits for the next try. */
  void notSent(String key) {
    inFlight.remove(key);
  }

  /** PUBACK for {@code packetId}: forget that notification. */
  void acknowledged(int packetId) {
    String key = keyByPacket.remove(packetId);
    if (key == null) {
      long now = System.nanoTime();
      earlyAcks.values().removeIf(t -> now - t > TimeUnit.SECONDS.toNanos(EARLY_ACK_SECONDS));
      earlyAcks.put(packetId, now);
      return;
    }
    inFlight.remove(key);
    if (waiting.remove(key) != null) {
      acked++;
      onAcknowledged.accept(key);
    }
  }

  /** No PUBACK came in time: publish it again later. */
  void unacknowledged(int packetId) {
    String key = keyByPacket.remove(packetId);
    if (key != null) inFlight.remove(key);
  }

  /** The connection is gone: nothing is in flight any more. */
  void connectionLost() {
    keyByPacket.clear();
    inFlight.clear();
    earlyAcks.clear();
  }

  int size() {
    return waiting.size();
  }

  long acked() {
    return acked;
  }

  long dropped() {
    return dropped;
  }
}
