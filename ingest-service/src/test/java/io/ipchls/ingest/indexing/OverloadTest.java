package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.ScratchDir;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.infra.Await;
import io.ipchls.infra.BrokerAuth;
import io.ipchls.infra.BrokerOptions;
import io.ipchls.infra.EmbeddedBroker;
import io.ipchls.infra.EmbeddedPostgres;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Overload (issue 14 item 2): while PostgreSQL is down or slow and cameras keep publishing, ingest holds at most
 * {@code maxHeldPerConnection} notifications per MQTT connection (it stops reading from the broker at the bound),
 * the broker keeps the backlog it acknowledged, and once the database is back every notification is indexed exactly
 * once. On a PostgreSQL and a broker of this test's own (PostgreSQL is stopped and started again on the same port and
 * data directory: a real outage). The held counts are sampled from {@code /metrics} throughout and checked against
 * each connection's own high-water mark ({@code ingest_notifications_held_peak}); heap figures are printed, not
 * asserted: the test JVM also runs the broker, PostgreSQL's client pools and the publishers.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 900, unit = TimeUnit.SECONDS)
@Tag("overload") // a JVM of its own (ingest-service/pom.xml): cleaner heap figures, and no broker left behind
class OverloadTest {
  /**
   * Below the broker's in-flight window per MQTT 3.1.1 session, so the bound, not the broker, stops ingest. The
   * overload execution in ingest-service/pom.xml sets that window to 50 for this JVM: with the default 1000, each
   * PUBACK made HiveMQ walk up to 4,000 messages in flight ({@link EmbeddedBroker#deliveryWindow()}), the backlog took
   * longer to drain, and the next test's publishers waited 47–76 s for a CONNACK.
   */
  private static final int BOUND = 20;
  private static final int CONNECTIONS = 4;
  private static final int CAMERAS = 200;
  private static final int PER_CAMERA = Integer.getInteger("overload.perCamera", 500);
  private static final int PUBLISHERS = 20;
  /** Unacknowledged publishes per publisher (the client's own limit is 1000). */
  private static final int PUBLISH_WINDOW = 500;
  private static final Duration DEADLINE = Duration.ofMinutes(10);
  private static Path dir;
  private static EmbeddedPostgres postgres;
  private static EmbeddedBroker broker;
  private static IngestTestSupport ingest;

  @BeforeAll
  static void start(Vertx vertx) {
    assertTrue(EmbeddedBroker.deliveryWindow() > BOUND, "the broker's window " + EmbeddedBroker.deliveryWindow()
        + " must be above ingest's bound " + BOUND);
    dir = ScratchDir.create("ingest-overload-").path();
    postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
    broker = EmbeddedBroker.start(new BrokerOptions(dir.resolve("mqtt"), "127.0.0.1", 0,
        BrokerAuth.allowAllAsService()));
    JsonObject config = IngestTestSupport.configJson(postgres, broker.host(), broker.port(),
        IngestTestSupport.randomInstanceId()).put("mqttConnections", CONNECTIONS).put("maxHeldPerConnection", BOUND);
    ingest = IngestTestSupport.withConfig(vertx, config).start();
  }

  @AfterAll
  static void stop() {
    try {
      if (broker != null) broker.close();
      if (postgres != null) postgres.close();
    } finally {
      if (dir != null) ScratchDir.deleteTree(dir);
    }
  }

  @Test
  void postgresDown_whileABacklogArrives_everyNotificationIsIndexedOnce_andIngestHoldsAtMostItsBound() {
    List<String> cameras = cameras("overload");
    List<SegmentNotification> all = notifications(cameras, PER_CAMERA);
    List<String> warmup = cameras("warmup");
    publish(notifications(warmup, 1)); // the sessions exist and indexing works
    Await.until("warm-up indexed", DEADLINE, () -> countIndexed(warmup), n -> n >= CAMERAS);
    double indexedBefore = metric("segments_indexed_total");
    long heapIdle = heapAfterGc();
    long brokerBytesIdle = bytesUnder(dir.resolve("mqtt"));
    String load = load();

    try (Sampler sampler = new Sampler(/* withHeap= */ true)) {
      postgres.close(); // ingest retries, holds what it has and stops reading at its bound
      long publishStart = System.nanoTime();
      publish(all); // returns when the broker has acknowledged every one
      long publishMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - publishStart);
      Map<String, Double> heldAtEnd = held();
      long heapFull = heapAfterGc();
      long brokerBytes = bytesUnder(dir.resolve("mqtt"));
      assertEquals(indexedBefore, metric("segments_indexed_total"), "nothing written while PostgreSQL is down");
      assertTrue(metric("ingest_db_retrying") >= 1, "the alarm is up");

      postgres = EmbeddedPostgres.start(dir.resolve("postgres"), postgres.port());
      long drainStart = System.nanoTime();
      Await.until("all " + all.size() + " notifications indexed", DEADLINE, () -> countIndexed(cameras),
          n -> n >= all.size());
      long drainMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStart);
      sampler.close();

      assertIndexedExactlyOnce(cameras, PER_CAMERA);
      assertHeldNeverAboveBound(sampler);
      System.out.printf("""
          OVERLOAD: %,d notifications from %d cameras published with PostgreSQL down in %,d ms (all PUBACKed); \
          drained in %,d ms after it returned (%,.0f/s); held per connection: max sampled %d, peak %s, bound %d \
          (%d connections, %d samples), held when the backlog was complete %s; heap used after GC (test JVM: \
          ingest + HiveMQ + publishers): idle %,d KiB, backlog complete %,d KiB, max sampled during the outage \
          %,d KiB; broker data folder %,d KiB -> %,d KiB with the backlog; load %s -> %s%n""",
          all.size(), CAMERAS, publishMs, drainMs, all.size() * 1000.0 / Math.max(1, drainMs), sampler.maxHeld,
          peaks(), BOUND, CONNECTIONS, sampler.samples.get(), heldAtEnd, heapIdle / 1024, heapFull / 1024,
          sampler.maxHeap / 1024, brokerBytesIdle / 1024, brokerBytes / 1024, load, load());
    }
  }

  @Test
  void slowDatabase_keepsWhatIngestHoldsUnderItsBound() {
    List<String> cameras = cameras("slowdb");
    List<SegmentNotification> all = notifications(cameras, 20); // 4,000
    // every row of these cameras costs PostgreSQL 5 ms more: at most ~200 rows/s, far below what is published
    await(ingest.pool.query("""
        CREATE OR REPLACE FUNCTION ingest.test_slow() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.camera_id LIKE 'slowdb-%' THEN PERFORM pg_sleep(0.005); END IF;
          RETURN NULL;
        END $$;
        DROP TRIGGER IF EXISTS test_slow ON ingest.segments;
        CREATE TRIGGER test_slow AFTER INSERT ON ingest.segments FOR EACH ROW EXECUTE FUNCTION ingest.test_slow();
        """).execute());
    try (Sampler sampler = new Sampler(/* withHeap= */ false)) {
      publish(all);
      Await.until("all " + all.size() + " notifications indexed", DEADLINE, () -> countIndexed(cameras),
          n -> n >= all.size());
      sampler.close();
      assertIndexedExactlyOnce(cameras, 20);
      assertHeldNeverAboveBound(sampler);
      assertTrue(sampler.maxHeld > 0, "the samples saw notifications held");
      System.out.printf("SLOW DB: %,d notifications; held per connection max sampled %d, peak %s, bound %d "
          + "(%d samples); load %s%n", all.size(), sampler.maxHeld, peaks(), BOUND, sampler.samples.get(), load());
    } finally {
      await(ingest.pool.query("DROP TRIGGER IF EXISTS test_slow ON ingest.segments").execute());
    }
  }

  private static void assertHeldNeverAboveBound(Sampler sampler) {
    assertTrue(sampler.samples.get() > 0, "the held counts were sampled");
    assertTrue(sampler.maxHeld <= BOUND, "held at most " + BOUND + " per connection, sampled " + sampler.maxHeld);
    Map<String, Double> peaks = peaks();
    assertEquals(CONNECTIONS, peaks.size(), "one peak per connection: " + peaks);
    peaks.forEach((connection, peak) -> assertTrue(peak <= BOUND,
        "connection " + connection + " held " + peak + " at its peak, above its bound " + BOUND));
    assertEquals(BOUND, metric("ingest_notifications_held_limit"));
  }

  private static void assertIndexedExactlyOnce(List<String> cameras, int perCamera) {
    Map<String, long[]> counts = new HashMap<>();
    for (Row r : await(ingest.pool.preparedQuery("""
        SELECT camera_id, count(*) AS rows, count(DISTINCT object_key) AS keys FROM ingest.segments
        WHERE camera_id = ANY($1::text[]) GROUP BY camera_id""").execute(Tuple.of(cameras.toArray(new String[0]))))) {
      counts.put(r.getString("camera_id"), new long[] {r.getLong("rows"), r.getLong("keys")});
    }
    assertEquals(cameras.size(), counts.size(), "every camera has rows");
    counts.forEach((camera, c) -> {
      assertEquals(perCamera, c[0], "rows of " + camera);
      assertEquals(perCamera, c[1], "distinct keys of " + camera + " (no duplicates)");
    });
    for (Row r : await(ingest.pool.preparedQuery("""
        SELECT camera_id, count(*) AS recordings, sum(segment_count) AS segments FROM ingest.recordings
        WHERE camera_id = ANY($1::text[]) GROUP BY camera_id""").execute(Tuple.of(cameras.toArray(new String[0]))))) {
      assertEquals(1, r.getLong("recordings"), "one recording for " + r.getString("camera_id"));
      assertEquals(perCamera, r.getLong("segments"), "each segment counted once in " + r.getString("camera_id"));
    }
  }

  private static List<String> cameras(String what) {
    return Stream.generate(() -> cameraId(what)).limit(CAMERAS).toList();
  }

  /** Each camera's segments back to back (one recording each), cameras interleaved as a fleet publishes them. */
  private static List<SegmentNotification> notifications(List<String> cameras, int perCamera) {
    List<SegmentNotification> all = new ArrayList<>(cameras.size() * perCamera);
    for (int i = 0; i < perCamera; i++) {
      for (String id : cameras) all.add(segment(id, 3_600_000L - i * 3_000L));
    }
    return all;
  }

  private static String cameraOf(SegmentNotification n) {
    return n.key().substring(0, n.key().indexOf('/'));
  }

  /**
   * A publisher connected as a camera would be: right after a 100,000-message backlog has drained HiveMQ may answer a
   * CONNECT only after more than 15 s (fresh-clone CI, the slow-database test after the outage test), or close it
   * when its authentication took too long ("Closed"); a camera connects again then, and so does this publisher,
   * with a new connection each time, until the test's deadline.
   */
  private static MqttClient connectPublisher(Vertx vertx, int p, Runnable onPuback) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      MqttClient c = MqttClient.create(vertx, new MqttClientOptions().setClientId("overload-pub-" + p + "-"
          + System.nanoTime()).setCleanSession(true).setMaxInflightQueue(1000).setUsername("publisher")
          .setPassword("test"));
      c.publishCompletionHandler(id -> onPuback.run());
      try {
        c.connect(broker.port(), broker.host()).toCompletionStage().toCompletableFuture()
            .get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
        return c;
      } catch (Exception e) {
        last = e;
        c.disconnect();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // a camera's reconnect backoff, shortened
      }
    }
    throw new AssertionError("publisher " + p + " could not connect within " + DEADLINE + ": " + last, last);
  }

  /**
   * Publishes with QoS 1 over {@value #PUBLISHERS} connections, at most {@value #PUBLISH_WINDOW} unacknowledged on
   * each, and returns once the broker has acknowledged (PUBACK) every notification.
   */
  private static void publish(List<SegmentNotification> notifications) {
    Vertx vertx = ingest.vertx;
    List<MqttClient> clients = new ArrayList<>();
    List<Semaphore> windows = new ArrayList<>();
    AtomicLong acknowledged = new AtomicLong();
    try {
      for (int p = 0; p < PUBLISHERS; p++) {
        Semaphore window = new Semaphore(PUBLISH_WINDOW);
        clients.add(connectPublisher(vertx, p, () -> {
          acknowledged.incrementAndGet();
          window.release();
        }));
        windows.add(window);
      }
      int i = 0;
      for (SegmentNotification n : notifications) {
        int p = i++ % PUBLISHERS;
        acquire(windows.get(p));
        clients.get(p).publish(Topics.segments(cameraOf(n)), Buffer.buffer(Json.encode(n)), MqttQoS.AT_LEAST_ONCE,
            /* isDup= */ false, /* isRetain= */ false);
      }
      Await.until("PUBACKs for " + notifications.size() + " notifications", DEADLINE, acknowledged::get,
          n -> n >= notifications.size());
    } finally {
      clients.forEach(c -> c.disconnect());
    }
  }

  private static void acquire(Semaphore window) {
    try {
      if (!window.tryAcquire(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the broker acknowledged nothing for " + DEADLINE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long countIndexed(List<String> cameras) {
    return await(ingest.pool.preparedQuery("SELECT count(*) FROM ingest.segments WHERE camera_id = ANY($1::text[])")
        .execute(Tuple.of(cameras.toArray(new String[0])))).iterator().next().getLong(0);
  }

  private static Map<String, Double> held() {
    return labelled("ingest_notifications_held{");
  }

  private static Map<String, Double> peaks() {
    return labelled("ingest_notifications_held_peak{");
  }

  private static String metricsText() {
    var resp = await(WebClient.create(ingest.vertx).get(ingest.httpPort, "127.0.0.1", "/metrics")
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN).send());
    if (resp.statusCode() != 200) throw new AssertionError("/metrics answered " + resp.statusCode());
    return resp.bodyAsString();
  }

  private static double metric(String name) {
    return ingest.metric(name);
  }

  /** {@code label value → metric value} of every line of a metric with one label. */
  private static Map<String, Double> labelled(String prefix) {
    Map<String, Double> values = new HashMap<>();
    for (String line : metricsText().split("\n")) {
      if (!line.startsWith(prefix)) continue;
      String label = line.substring(line.indexOf('"') + 1, line.indexOf('"', line.indexOf('"') + 1));
      values.put(label, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
    }
    return values;
  }

  private static long bytesUnder(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException gone) {
          return 0; // a file the broker removed meanwhile
        }
      }).sum();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Heap used right after a full collection (of the whole test JVM). */
  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String load() {
    return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** Samples every connection's held count (and, every few seconds, the heap after a collection) until closed. */
  private static final class Sampler implements AutoCloseable {
    private static final long EVERY_MS = 200;
    private static final int HEAP_EVERY = 25;
    final AtomicLong samples = new AtomicLong();
    volatile int maxHeld;
    volatile long maxHeap;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Sampler(boolean withHeap) {
      thread = new Thread(() -> {
        while (running.get()) {
          try {
            for (double h : held().values()) maxHeld = Math.max(maxHeld, (int) h);
            if (withHeap && samples.get() % HEAP_EVERY == 0) maxHeap = Math.max(maxHeap, heapAfterGc());
            samples.incrementAndGet();
            Thread.sleep(EVERY_MS); // the sampling period, not a wait for anything
          } catch (InterruptedException e) {
            return;
          } catch (RuntimeException | AssertionError e) {
            // a sample lost to a slow /metrics answer is a gap in the samples, not a result; the peaks still count
          }
        }
      }, "overload-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      running.set(false);
      thread.interrupt();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
