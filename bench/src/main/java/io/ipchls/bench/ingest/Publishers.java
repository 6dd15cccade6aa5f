package io.ipchls.bench.ingest;

import io.ipchls.protocol.Json;
import io.ipchls.protocol.SegmentNotification;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * Publishing connections (QoS 1, clean sessions), each paced by a 10 ms timer, each camera once per round over all
 * cameras, with a real segment notification as payload. A connection never has more than {@link #MAX_UNACKED}
 * messages without PUBACK: when the broker acknowledges slower than the target rate, the publishers slow down (what a
 * camera does), and {@link #published()} shows the rate the broker accepted.
 */
final class Publishers {
  /** Below vertx-mqtt's in-flight limit (65535 with the options used here). */
  private static final long MAX_UNACKED = 60_000;
  private final Vertx vertx;
  private final List<MqttClient> clients;
  private final List<Long> timers = new ArrayList<>();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();

  private Publishers(Vertx vertx, List<MqttClient> clients) {
    this.vertx = vertx;
    this.clients = clients;
  }

  /**
   * @param topic the topic of camera {@code i}
   * @param publishedAt per camera, the {@code System.nanoTime()} of its oldest publish not yet seen by the consumer
   *     (the consumer resets it to 0 when it records a latency)
   */
  static Publishers start(Vertx vertx, int port, String clientPrefix, int n, String[] ids, IntFunction<String> topic,
      AtomicLongArray publishedAt, int rate) throws Exception {
    List<MqttClient> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      MqttClient c = MqttClient.create(vertx, new MqttClientOptions().setClientId(clientPrefix + i)
          .setCleanSession(true).setMaxInflightQueue(65_535).setUsername("bench").setPassword("bench")
          .setAutoKeepAlive(true));
      c.connect(port, "127.0.0.1").await(30, TimeUnit.SECONDS);
      clients.add(c);
    }
    Publishers p = new Publishers(vertx, clients);
    double perTickPerClient = rate / 100.0 / n;
    long t0 = System.currentTimeMillis() - 3_600_000;
    for (int i = 0; i < n; i++) {
      MqttClient c = clients.get(i);
      AtomicLong unacked = new AtomicLong();
      c.publishCompletionHandler(id -> {
        unacked.decrementAndGet();
        p.acked.incrementAndGet();
      });
      int lane = i;
      double[] owed = {0};
      long[] cursor = {lane};
      p.timers.add(vertx.setPeriodic(10, t -> {
        owed[0] += perTickPerClient;
        while (owed[0] >= 1 && c.isConnected()) {
          if (unacked.get() >= MAX_UNACKED) {
            owed[0] = 0; // the broker is behind: skip the rest of this tick rather than overrun the window
            break;
          }
          owed[0] -= 1;
          int cam = (int) (cursor[0] % ids.length);
          long round = cursor[0] / ids.length;
          cursor[0] += n;
          SegmentNotification note = IngestThroughput.notification(ids[cam], t0 + round * 3_000L, round);
          publishedAt.compareAndSet(cam, 0, System.nanoTime());
          unacked.incrementAndGet();
          p.published.incrementAndGet();
          c.publish(topic.apply(cam), Buffer.buffer(Json.encode(note)), MqttQoS.AT_LEAST_ONCE,
              /* isDup= */ false, /* isRetain= */ false);
        }
      }));
    }
    return p;
  }

  /** Messages sent so far. */
  long published() {
    return published.get();
  }

  /** Messages the broker acknowledged (PUBACK) so far. */
  long acked() {
    return acked.get();
  }

  /** Stops publishing and disconnects. */
  void stop() throws Exception {
    timers.forEach(vertx::cancelTimer);
    for (MqttClient c : clients) {
      if (c.isConnected()) c.disconnect().await(10, TimeUnit.SECONDS);
    }
  }
}
