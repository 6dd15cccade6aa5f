package io.ipchls.bench.credential;

import io.ipchls.bench.Latencies;
import io.ipchls.protocol.CredentialRequest;
import io.ipchls.protocol.CredentialResponse;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The camera side of a storm: every camera connects at once with its id and secret, subscribes to its credential
 * response topic and asks for credentials. A refused connect or an error response is retried after a jittered,
 * growing backoff (1 s doubling to 8 s), and a request without an answer is repeated after {@link #ANSWER_TIMEOUT_MS}
 * (a request sent before credential-service has resubscribed after the broker restart finds no subscriber), as the
 * device SDK does. Runs on its own Vert.x, so the clients' event loops are not the services'. Each camera's socket
 * is bound to one of the given loopback source addresses in turn: every source address has its own ephemeral ports
 * (about 28,000 each), so 50,000 cameras need two or more, and nothing system-wide has to change. Progress is
 * printed by {@link #storm()} every 5 s, or handed to {@code progress} (connected, credentialed) every second by a
 * client process ({@link StormClientProcess}).
 */
final class StormClients {
  /** The outcome of one storm. */
  record Result(int cameras, double connectedSeconds, double credentialedSeconds, long decisions,
      long connectRefused, long errorAnswers, long unanswered, Latencies connect, Latencies credentials) {}

  static final long ANSWER_TIMEOUT_MS = 10_000;
  /** The SUBACK return code of a refused subscription (MQTT 3.1.1 §3.9.3). */
  private static final int SUBSCRIPTION_REFUSED = 0x80;
  private final Vertx vertx = Vertx.vertx();
  private final String host;
  private final int port;
  private final List<String[]> cams;
  private final int deadlineSeconds;
  private final List<String> sourceAddresses;
  private final ConcurrentLinkedQueue<MqttClient> clients = new ConcurrentLinkedQueue<>();

  StormClients(String host, int port, List<String[]> cams, int deadlineSeconds, List<String> sourceAddresses) {
    this.host = host;
    this.port = port;
    this.cams = cams;
    this.deadlineSeconds = deadlineSeconds;
    this.sourceAddresses = sourceAddresses;
  }

  /** One storm, requests at the SDK's QoS; returns once every camera holds credentials. */
  Result storm() throws InterruptedException {
    return storm(CredentialRequest.QOS, (connected, credentialed) -> System.out.printf(
        "  ... %d connected, %d credentialed%n", connected, credentialed), 5);
  }

  /** Progress of a storm: cameras connected and credentialed so far. */
  interface Progress {
    void report(long connected, long credentialed);
  }

  /**
   * One storm whose cameras send their credential requests at {@code requestQos}, reporting progress every
   * {@code everySeconds}; returns once every camera holds credentials.
   */
  Result storm(int requestQos, Progress progress, int everySeconds) throws InterruptedException {
    Storm s = new Storm(cams.size(), MqttQoS.valueOf(requestQos));
    for (int i = 0; i < cams.size(); i++) {
      connect(s, cams.get(i), sourceAddresses.get(i % sourceAddresses.size()), 0);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds);
    while (!s.credentialed.await(everySeconds, TimeUnit.SECONDS)) {
      progress.report(s.connect.size(), cams.size() - s.credentialed.getCount());
      if (s.refused.get() != null) throw new IllegalStateException(s.refused.get()); // no answer could reach it
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(s.credentialed.getCount() + " cameras without credentials after "
            + deadlineSeconds + " s");
      }
    }
    double seconds = (System.nanoTime() - s.t0) / 1e9;
    return new Result(cams.size(), (s.lastConnect.get() - s.t0) / 1e9, seconds, s.decisions.get(),
        s.connectRefused.get(), s.errorAnswers.get(), s.unanswered.get(), s.connect, s.credentials);
  }

  void disconnectAll() {
    List<Future<Void>> closing = new ArrayList<>();
    for (MqttClient c; (c = clients.poll()) != null; ) {
      if (c.isConnected()) closing.add(c.disconnect());
    }
    ReconnectStorm.await(Future.join(closing));
  }

  /** Shared state of one storm. */
  private static final class Storm {
    final long t0 = System.nanoTime();
    final CountDownLatch credentialed;
    final AtomicLong lastConnect = new AtomicLong(t0);
    final AtomicLong decisions = new AtomicLong();
    final AtomicLong connectRefused = new AtomicLong();
    final AtomicLong errorAnswers = new AtomicLong();
    final AtomicLong unanswered = new AtomicLong();
    /** Why a camera's response subscription was refused (the first one), or null. */
    final AtomicReference<String> refused = new AtomicReference<>();
    final java.util.Set<String> answered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final Latencies connect;
    final Latencies credentials;
    final MqttQoS requestQos;

    Storm(int n, MqttQoS requestQos) {
      this.requestQos = requestQos;
      credentialed = new CountDownLatch(n);
      connect = new Latencies(n);
      credentials = new Latencies(n);
    }
  }

  private void connect(Storm s, String[] cam, String source, int attempt) {
    String id = cam[0];
    MqttClientOptions options = new MqttClientOptions().setClientId(id).setUsername(id).setPassword(cam[1])
        .setCleanSession(true).setKeepAliveInterval(120);
    options.setLocalAddress(source);
    MqttClient client = MqttClient.create(vertx, options);
    long started = System.nanoTime();
    client.publishHandler(m -> onResponse(s, client, id, m.payload().getBytes(), attempt));
    client.connect(port, host).onComplete(ar -> {
      s.decisions.incrementAndGet();
      if (ar.failed()) {
        s.connectRefused.incrementAndGet();
        vertx.setTimer(backoffMs(attempt), t -> connect(s, cam, source, attempt + 1));
        return;
      }
      clients.add(client);
      long now = System.nanoTime();
      s.connect.record(now - started);
      s.lastConnect.accumulateAndGet(now, Math::max);
      // the first request goes out on the SUBACK, as the SDK's does: one sent when the SUBSCRIBE is written can be
      // answered before the broker added the subscription, and the answer is lost (a 10 s repeat)
      String responses = Topics.credentialsResponse(id);
      client.subscribeCompletionHandler(ack -> {
        if (!ack.grantedQoSLevels().contains(SUBSCRIPTION_REFUSED)) request(s, client, id);
        else s.refused.compareAndSet(null, "camera " + id + ": subscription refused by broker: " + responses);
      });
      client.subscribe(responses, 1);
    });
  }

  private void onResponse(Storm s, MqttClient client, String id, byte[] payload, int attempt) {
    CredentialResponse r = Json.decode(payload, CredentialResponse.class);
    if (!s.answered.add(id)) return;
    if (r.error() != null) {
      s.errorAnswers.incrementAndGet();
      if (s.errorAnswers.get() <= 3) System.out.println("  error answer: " + r.error());
      s.answered.remove(id);
      vertx.setTimer(backoffMs(attempt), t -> request(s, client, id));
      return;
    }
    s.credentials.record(System.nanoTime() - s.t0);
    s.credentialed.countDown();
  }

  /** Asks for credentials, and asks again if no answer came within {@link #ANSWER_TIMEOUT_MS}. */
  private void request(Storm s, MqttClient client, String id) {
    client.publish(Topics.credentialsRequest(id), Buffer.buffer("{\"v\":1,\"requestId\":\"" + id + "\"}"),
        s.requestQos, /* isDup= */ false, /* isRetain= */ false);
    vertx.setTimer(ANSWER_TIMEOUT_MS, t -> {
      if (!s.answered.contains(id) && client.isConnected()) {
        s.unanswered.incrementAndGet();
        request(s, client, id);
      }
    });
  }

  private static long backoffMs(int attempt) {
    long base = 1000L << Math.min(attempt, 3);
    return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }
}
