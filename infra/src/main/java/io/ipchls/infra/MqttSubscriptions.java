package io.ipchls.infra;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.messages.MqttSubAckMessage;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Test and benchmark support: subscribing with a Vert.x {@link MqttClient} and waiting for the broker's SUBACK.
 * {@code MqttClient.subscribe} completes once the SUBSCRIBE packet is written, not once the broker holds the
 * subscription; HiveMQ CE registers a subscription asynchronously, so a message published right after that future
 * may be routed before the subscription exists and is lost. The futures here complete with the SUBACK's return codes
 * instead: one per filter, in the order of the request (MQTT 3.1.1 §3.9.3), the granted QoS or {@value #REFUSED}.
 *
 * <p>The first call for a client installs its {@code subscribeCompletionHandler}, which from then on belongs to this
 * class: each SUBACK is matched to its SUBSCRIBE by packet id (MQTT 3.1.1 §3.9.2), so several subscribes may be in
 * flight on one client, and a SUBACK handled before the write's future completed is kept for it. A future does not
 * fail when the connection is lost before the SUBACK arrives: await it with a deadline.
 */
public final class MqttSubscriptions {
  /** The SUBACK return code of a refused filter (MQTT 3.1.1 §3.9.3). */
  public static final int REFUSED = 0x80;
  /** An unmatched SUBACK (one for a subscribe not made here) is forgotten after this long. */
  private static final long EARLY_SUBACK_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** Weak keys: a client that is dropped takes its state with it (the values never refer to their client). */
  private static final Map<MqttClient, Pending> PENDING = Collections.synchronizedMap(new WeakHashMap<>());

  private MqttSubscriptions() {}

  /** Subscribes to one filter; completes with the SUBACK's return code for it, as a one-element list. */
  public static Future<List<Integer>> subscribe(MqttClient client, String filter, int qos) {
    return subscribe(client, Map.of(filter, qos));
  }

  /**
   * Subscribes to {@code filters} in one SUBSCRIBE; completes with the SUBACK's return codes in the map's iteration
   * order (pass a {@link LinkedHashMap} to rely on it).
   */
  public static Future<List<Integer>> subscribe(MqttClient client, Map<String, Integer> filters) {
    Pending pending = PENDING.computeIfAbsent(client, c -> {
      Pending p = new Pending();
      c.subscribeCompletionHandler(p::acknowledged);
      return p;
    });
    return client.subscribe(filters).compose(pending::suback);
  }

  /** As {@link #subscribe(MqttClient, String, int)}, failing when the broker refused the filter. */
  public static Future<Void> subscribeGranted(MqttClient client, String filter, int qos) {
    return subscribeGranted(client, Map.of(filter, qos));
  }

  /**
   * As {@link #subscribe(MqttClient, Map)}, failing with {@code subscription refused by broker: <filter>} (the first
   * refused one) when the broker refused any.
   */
  public static Future<Void> subscribeGranted(MqttClient client, Map<String, Integer> filters) {
    Map<String, Integer> ordered = new LinkedHashMap<>(filters);
    List<String> names = List.copyOf(ordered.keySet());
    return subscribe(client, ordered).compose(granted -> {
      int refused = granted.indexOf(REFUSED);
      return refused < 0 ? Future.succeededFuture()
          : Future.failedFuture(new IllegalStateException("subscription refused by broker: " + names.get(refused)));
    });
  }

  /** One client's subscribes waiting for their SUBACK, and SUBACKs that came before their packet id was known. */
  private static final class Pending {
    private final Map<Integer, Promise<List<Integer>>> waiting = new HashMap<>();
    private final Map<Integer, Early> early = new HashMap<>();

    private record Early(List<Integer> granted, long atNanos) {}

    void acknowledged(MqttSubAckMessage ack) {
      List<Integer> granted = List.copyOf(ack.grantedQoSLevels());
      Promise<List<Integer>> p;
      synchronized (this) {
        p = waiting.remove(ack.messageId());
        if (p == null) {
          long now = System.nanoTime();
          early.values().removeIf(e -> now - e.atNanos() > EARLY_SUBACK_NANOS);
          early.put(ack.messageId(), new Early(granted, now));
          return;
        }
      }
      p.complete(granted);
    }

    synchronized Future<List<Integer>> suback(int packetId) {
      Early e = early.remove(packetId);
      if (e != null) return Future.succeededFuture(e.granted());
      Promise<List<Integer>> p = Promise.promise();
      waiting.put(packetId, p);
      return p.future();
    }
  }
}
