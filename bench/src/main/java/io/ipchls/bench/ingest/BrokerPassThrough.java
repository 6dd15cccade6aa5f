package io.ipchls.bench.ingest;

import io.ipchls.bench.Latencies;
import io.ipchls.infra.MqttSubscriptions;
import io.ipchls.infra.ScratchDir;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the broker alone carries: QoS 1 publishers → broker → subscribers on one shared subscription with persistent
 * sessions and manual acknowledgements (ingest's way of subscribing), no ingest, no database. Each broker in the same
 * run, one after the other, with messages/s, publish → receive latency and CPU per part, and the ratio embedded /
 * Mosquitto. {@link IngestThroughput} runs {@link #measure} on its own broker too, for the ratio end-to-end /
 * pass-through.
 *
 * <pre>bench/run ingest.BrokerPassThrough --rate 20000 --seconds 20 [--broker embedded,mosquitto]</pre>
 */
@Command(name = "BrokerPassThrough", mixinStandardHelpOptions = true)
public final class BrokerPassThrough implements Callable<Integer> {
  /** Outside ingest's {@code cameras/+/segments}, so an ingest subscribed to the same broker never sees these. */
  static final String SHARED_FILTER = "$share/bench/passthrough/+/segments";

  @Option(names = "--broker", split = ",", description = "brokers to measure, in order (default ${DEFAULT-VALUE})")
  List<String> brokers = List.of("mosquitto", "embedded");
  @Option(names = "--rate", description = "target notifications per second (default ${DEFAULT-VALUE})")
  int rate = 20_000;
  @Option(names = "--seconds", description = "measured seconds, after the warm-up (default ${DEFAULT-VALUE})")
  int seconds = 20;
  @Option(names = "--warmup", description = "warm-up seconds (default ${DEFAULT-VALUE})")
  int warmup = 5;
  @Option(names = "--cameras", description = "distinct cameras (topics) (default ${DEFAULT-VALUE})")
  int cameras = 60_000;
  @Option(names = "--publishers", description = "publishing MQTT connections (default ${DEFAULT-VALUE})")
  int publishers = 8;
  @Option(names = "--subscribers", description = "subscribing connections, as ingest's mqttConnections "
      + "(default ${DEFAULT-VALUE})")
  int subscribers = 4;
  @Option(names = "--ack-every-ms", description = "0: acknowledge each message on receipt; N: acknowledge what "
      + "arrived every N ms, as ingest does after a commit (default ${DEFAULT-VALUE})")
  int ackEveryMs = 0;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BrokerPassThrough()).execute(args));
  }

  /** One measurement's parameters. */
  record Settings(int rate, int seconds, int warmup, int cameras, int publishers, int subscribers, int ackEveryMs) {
    @Override
    public String toString() {
      return String.format("target %,d/s, %,d cameras, %d publisher connections, %d subscriber connections on %s, "
              + "acks %s, %d s warm-up + %d s measured", rate, cameras, publishers, subscribers, SHARED_FILTER,
          ackEveryMs == 0 ? "on receipt" : "every " + ackEveryMs + " ms", warmup, seconds);
    }
  }

  /**
   * @param perSecond messages delivered in each second of the measured window
   * @param lost messages the broker acknowledged to a publisher but had not delivered 30 s after publishing stopped
   * @param drainSeconds how long the backlog took to arrive after publishing stopped
   * @param duplicates messages delivered again (checked for each camera's first 64 rounds)
   */
  record Result(String broker, double published, double acked, double delivered, String latency,
      CpuShares.Split cpu, long[] perSecond, long lost, long duplicates, double drainSeconds) {
    long stalledSeconds() {
      long n = 0;
      for (long c : perSecond) if (c == 0) n++;
      return n;
    }

    long minSecond() {
      long min = Long.MAX_VALUE;
      for (long c : perSecond) min = Math.min(min, c);
      return perSecond.length == 0 ? 0 : min;
    }

    /** Broker CPU per 10,000 delivered messages/s, in cores. */
    double brokerCoresPer10k() {
      return delivered == 0 ? Double.NaN : cpu.broker() / delivered * 10_000;
    }

    void print() {
      System.out.printf("broker pass-through, %s%n", broker);
      System.out.printf("  published         %,10.0f msg/s  (PUBACKed by the broker %,.0f/s)%n", published, acked);
      System.out.printf("  delivered         %,10.0f msg/s  (to the shared subscription, acknowledged)%n", delivered);
      System.out.printf("  slowest second    %,10d msg      (seconds with nothing delivered: %d of %d)%n",
          minSecond(), stalledSeconds(), perSecond.length);
      System.out.printf("  after the run     %,10d acknowledged but never delivered (backlog drained for %.1f s of at "
          + "most 30), %,d duplicates%n", lost, drainSeconds, duplicates);
      System.out.printf("  publish -> receive %s%n", latency);
      System.out.printf("  CPU (of %d cores) %s; broker %.2f cores per 10,000 msg/s%n",
          Runtime.getRuntime().availableProcessors(), cpu, brokerCoresPer10k());
    }
  }

  @Override
  public Integer call() throws Exception {
    Settings settings = new Settings(rate, seconds, warmup, cameras, publishers, subscribers, ackEveryMs);
    System.out.println("load average before: " + CpuShares.loadAverage());
    System.out.println(settings);
    Map<String, Result> results = new LinkedHashMap<>();
    for (String kind : brokers) {
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
      try (ScratchDir dir = ScratchDir.create("broker-bench-");
          MqttServer server = MqttServer.start(kind, dir.resolve("mqtt"))) {
        Result r = measure(vertx, server, settings);
        results.put(kind, r);
        System.out.println();
        r.print();
        System.out.println("  load average: " + CpuShares.loadAverage());
        // Before closing: HiveMQ can take minutes to shut down after a heavy run.
        if (results.size() == brokers.size()) printComparison(results);
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
    System.out.println("load average after: " + CpuShares.loadAverage());
    return 0;
  }

  private static void printComparison(Map<String, Result> results) {
    Result embedded = results.get("embedded");
    Result mosquitto = results.get("mosquitto");
    if (embedded == null || mosquitto == null) return;
    System.out.println();
    System.out.printf("embedded / Mosquitto (same run): delivered %.2f, broker CPU per message %.2f%n",
        embedded.delivered() / mosquitto.delivered(),
        embedded.brokerCoresPer10k() / mosquitto.brokerCoresPer10k());
    System.out.println("load average: " + CpuShares.loadAverage());
  }

  /**
   * Publishes at the target rate through {@code server} to subscribers on {@link #SHARED_FILTER}, measures after the
   * warm-up, then stops publishing and waits up to 30 s for everything the broker acknowledged to arrive.
   */
  static Result measure(Vertx vertx, MqttServer server, Settings s) throws Exception {
    String[] ids = new String[s.cameras()];
    for (int i = 0; i < s.cameras(); i++) ids[i] = "cam-" + i;
    AtomicLongArray publishedAt = new AtomicLongArray(s.cameras());
    AtomicLongArray seenRounds = new AtomicLongArray(s.cameras()); // bit r: round r of the camera arrived
    Latencies latencies = new Latencies(10_000_000);
    SeenLatency deliveries = new SeenLatency(publishedAt, latencies);
    AtomicLong delivered = new AtomicLong();
    AtomicLong duplicates = new AtomicLong();
    List<MqttClient> subs = new ArrayList<>();
    List<Long> ackTimers = new ArrayList<>();
    for (int i = 0; i < s.subscribers(); i++) {
      MqttClientOptions options = new MqttClientOptions().setClientId("bench-sub-" + i).setCleanSession(false)
          .setUsername("bench").setPassword("bench").setMaxMessageSize(64 * 1024).setAutoKeepAlive(true);
      options.setAutoAck(false);
      MqttClient c = MqttClient.create(vertx, options);
      List<MqttPublishMessage> toAck = new ArrayList<>();
      c.publishHandler(m -> {
        int cam = camera(m.topicName());
        deliveries.seen(cam, System.nanoTime());
        long round = round(m);
        if (round < 64) {
          long bit = 1L << round;
          if ((seenRounds.getAndAccumulate(cam, bit, (a, b) -> a | b) & bit) != 0) duplicates.incrementAndGet();
        }
        delivered.incrementAndGet();
        if (s.ackEveryMs() == 0) m.ack();
        else toAck.add(m);
      });
      if (s.ackEveryMs() > 0) {
        ackTimers.add(vertx.setPeriodic(s.ackEveryMs(), t -> {
          toAck.forEach(MqttPublishMessage::ack);
          toAck.clear();
        }));
      }
      c.connect(server.port(), "127.0.0.1").await(30, TimeUnit.SECONDS);
      // on the SUBACK: the publishers start next, and the broker may add a subscription after the SUBSCRIBE arrived
      MqttSubscriptions.subscribeGranted(c, SHARED_FILTER, MqttQoS.AT_LEAST_ONCE.value()).await(30, TimeUnit.SECONDS);
      subs.add(c);
    }
    CpuShares cpu = new CpuShares(server.pid(), null, "publishers+subscribers JVM");
    Publishers pubs = Publishers.start(vertx, server.port(), "bench-pt-pub-", s.publishers(), ids,
        cam -> "passthrough/" + ids[cam] + "/segments", publishedAt, s.rate());
    Thread.sleep(s.warmup() * 1000L);
    long pub0 = pubs.published();
    long ack0 = pubs.acked();
    long del0 = delivered.get();
    cpu.mark();
    deliveries.measuring(true);
    long t0 = System.nanoTime();
    long[] perSecond = new long[s.seconds()];
    long prev = del0;
    for (int i = 0; i < s.seconds(); i++) {
      Thread.sleep(Math.max(0, t0 + (i + 1) * 1_000_000_000L - System.nanoTime()) / 1_000_000);
      long now = delivered.get();
      perSecond[i] = now - prev;
      prev = now;
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    deliveries.measuring(false);
    CpuShares.Split split = cpu.split();
    long pub1 = pubs.published();
    long ack1 = pubs.acked();
    long del1 = delivered.get();
    pubs.stop();
    long stopped = System.nanoTime();
    long deadline = stopped + TimeUnit.SECONDS.toNanos(30);
    while (delivered.get() - duplicates.get() < pubs.acked() && System.nanoTime() < deadline) Thread.sleep(100);
    double drainSeconds = (System.nanoTime() - stopped) / 1e9;
    long lost = Math.max(0, pubs.acked() - (delivered.get() - duplicates.get()));
    ackTimers.forEach(vertx::cancelTimer);
    for (MqttClient c : subs) {
      if (c.isConnected()) c.disconnect().await(10, TimeUnit.SECONDS);
    }
    return new Result(server.name(), (pub1 - pub0) / elapsed, (ack1 - ack0) / elapsed, (del1 - del0) / elapsed,
        latencies.summary(), split, perSecond, lost, duplicates.get(), drainSeconds);
  }

  private static int camera(String topic) {
    // passthrough/cam-<n>/segments
    int start = topic.indexOf("cam-") + 4;
    return Integer.parseInt(topic, start, topic.indexOf('/', start), 10);
  }

  /** The notification's sequence number, which {@link Publishers} sets to the round over all cameras. */
  private static long round(MqttPublishMessage m) {
    String json = m.payload().toString();
    int i = json.indexOf("\"seq\":");
    if (i < 0) return Long.MAX_VALUE;
    int start = i + 6;
    int end = start;
    while (end < json.length() && Character.isDigit(json.charAt(end))) end++;
    return Long.parseLong(json, start, end, 10);
  }
}
