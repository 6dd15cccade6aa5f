package io.ipchls.bench.ingest;

import io.ipchls.infra.EmbeddedPostgres;
import io.ipchls.infra.ScratchDir;
import io.ipchls.ingest.IngestConfig;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * ingest-service's heap during a PostgreSQL outage with a backlog far above its bound: ingest runs as a JVM of its own
 * ({@code io.ipchls.ingest.Main}, so its heap is its own), Mosquitto (a process of its own, by default without an
 * in-flight limit, so that only ingest's {@code maxHeldPerConnection} stops it) and PostgreSQL (embedded, stopped and
 * started again on the same port and data directory) around it. Prints ingest's heap after a full collection
 * ({@code jcmd GC.run}, then {@code GC.heap_info}) idle and while it holds its bound, the bytes per held notification
 * that follow, and the stated bound {@code connections × maxHeldPerConnection × bytes}; then how long the backlog takes
 * to drain once PostgreSQL is back.
 */
@Command(name = "ingest.OverloadHeap", mixinStandardHelpOptions = true)
public final class OverloadHeap implements Callable<Integer> {
  private static final List<String> JVM_OPTIONS = List.of(
      "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Option(names = "--notifications", description = "published while PostgreSQL is down (default ${DEFAULT-VALUE})")
  int notifications = 300_000;
  @Option(names = "--cameras", description = "cameras they come from (default ${DEFAULT-VALUE})")
  int cameras = 3_000;
  @Option(names = "--mqtt-connections", description = "ingest mqttConnections (default ${DEFAULT-VALUE})")
  int connections = 4;
  @Option(names = "--max-held", description = "ingest maxHeldPerConnection (default ${DEFAULT-VALUE})")
  int maxHeld = IngestConfig.MAX_HELD_PER_CONNECTION.defaultValue();
  @Option(names = "--inflight", description = "Mosquitto max_inflight_messages, 0 = none (default ${DEFAULT-VALUE})")
  int inflight = 0;
  @Option(names = "--ingest-heap", description = "ingest's -Xmx (default ${DEFAULT-VALUE})")
  String ingestHeap = "256m";
  @Option(names = "--publishers", description = "publishing connections (default ${DEFAULT-VALUE})")
  int publishers = 8;

  public static void main(String[] args) {
    System.exit(new CommandLine(new OverloadHeap()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    try (ScratchDir dir = ScratchDir.create("overload-bench-")) {
      return call(dir.path());
    }
  }

  private Integer call(Path dir) throws Exception {
    Path pgDir = dir.resolve("postgres");
    EmbeddedPostgres pg = EmbeddedPostgres.start(pgDir, 0);
    Vertx vertx = Vertx.vertx();
    Process ingest = null;
    try (MqttServer mqtt = MqttServer.start("mosquitto", dir.resolve("mqtt"), inflight)) {
      int httpPort = freePort();
      DbConfig db = new DbConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(), 4);
      JsonObject cfg = new JsonObject()
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", httpPort)).put("db", db.toJson())
          .put("mqtt", new JsonObject().put("host", "127.0.0.1").put("port", mqtt.port())
              .put("username", "ingest").put("password", "bench"))
          .put("cluster", new JsonObject().put("name", "overload-bench-" + ProcessHandle.current().pid())
              .put("host", "127.0.0.1").put("port", freePort()))
          .put("instanceId", "overload-bench").put("mqttConnections", connections)
          .put("maxHeldPerConnection", maxHeld).put("adminToken", IngestThroughput.ADMIN_TOKEN);
      Path config = dir.resolve("ingest.json");
      Files.writeString(config, cfg.encodePrettily());
      List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
          "-Xmx" + ingestHeap, "-Djava.awt.headless=true"));
      cmd.addAll(JVM_OPTIONS);
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.ipchls.ingest.Main", config.toString()));
      ingest = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("ingest.log").toFile()).start();
      long pid = ingest.pid();
      System.out.printf("ingest pid %d (-Xmx%s, %d connections, maxHeldPerConnection %d), Mosquitto "
          + "max_inflight_messages %d, log %s; load %s%n", pid, ingestHeap, connections, maxHeld, inflight,
          dir.resolve("ingest.log"), load());
      waitFor("ingest up", () -> get(httpPort, "/health").contains("\"status\":\"UP\""), 180);

      Pool pool = Database.pool(vertx, db);
      publish(vertx, mqtt.port(), "warm", cameras);
      waitFor("warm-up indexed", () -> count(pool) >= cameras, 120);
      long idle = heapAfterGc(pid);
      System.out.printf("idle: heap after GC %,d KiB%n", idle / 1024);

      pg.close();
      long t0 = System.nanoTime();
      Thread sampler = new Thread(() -> sample(pid, httpPort, t0), "sampler");
      sampler.setDaemon(true);
      sampler.start();
      publish(vertx, mqtt.port(), "outage", notifications);
      long publishMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      waitFor("ingest at its bound", () -> held(httpPort) >= (long) connections * maxHeld, 120);
      long full = heapAfterGc(pid);
      long held = held(httpPort);
      sampler.interrupt();
      long perHeld = (full - idle) / Math.max(1, held);
      System.out.printf("""
          %,d notifications published with PostgreSQL down in %,d ms (all PUBACKed by Mosquitto)
          at the bound: %,d held, heap after GC %,d KiB (idle %,d KiB): %,d bytes per held notification
          stated bound: %d connections x %,d held x %,d bytes = %,d KiB over idle; ingest's peak held %s; load %s%n""",
          notifications, publishMs, held, full / 1024, idle / 1024, perHeld, connections, maxHeld, perHeld,
          (long) connections * maxHeld * perHeld / 1024, metricLines(httpPort, "ingest_notifications_held_peak"),
          load());

      pg = EmbeddedPostgres.start(pgDir, pg.port());
      long t1 = System.nanoTime();
      long total = (long) cameras + notifications;
      waitFor("backlog indexed", () -> count(pool) >= total, 3600);
      long drainMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
      System.out.printf("backlog of %,d drained in %,d ms (%,.0f/s) after PostgreSQL returned; rows %,d of %,d; "
          + "load %s%n", notifications, drainMs, notifications * 1000.0 / drainMs, count(pool), total, load());
      return 0;
    } finally {
      if (ingest != null) {
        ingest.destroy();
        ingest.waitFor(30, TimeUnit.SECONDS);
      }
      vertx.close().await(30, TimeUnit.SECONDS);
      pg.close();
    }
  }

  /** Every 5 s while PostgreSQL is down: what ingest holds, whether it reads, and its heap after a collection. */
  private static void sample(long pid, int httpPort, long t0) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        System.out.printf("  t=%3d s held %s paused %s heap after GC %,d KiB%n",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), metricLines(httpPort, "ingest_notifications_held{"),
            metricLines(httpPort, "ingest_mqtt_reading_paused"), heapAfterGc(pid) / 1024);
        Thread.sleep(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      System.out.println("  sampling stopped: " + e);
    }
  }

  /** QoS 1 from {@link #publishers} connections, at most 500 unacknowledged each; returns when all are PUBACKed. */
  private void publish(Vertx vertx, int port, String what, int n) throws Exception {
    List<MqttClient> clients = new ArrayList<>();
    List<Semaphore> windows = new ArrayList<>();
    AtomicLong acked = new AtomicLong();
    for (int p = 0; p < publishers; p++) {
      Semaphore window = new Semaphore(500);
      MqttClient c = MqttClient.create(vertx, new MqttClientOptions().setClientId(what + "-pub-" + p)
          .setCleanSession(true).setMaxInflightQueue(1000));
      c.publishCompletionHandler(id -> {
        acked.incrementAndGet();
        window.release();
      });
      c.connect(port, "127.0.0.1").await(30, TimeUnit.SECONDS);
      clients.add(c);
      windows.add(window);
    }
    // the warm-up is each camera's first segment, the backlog its next ones, back to back from 6 hours ago
    long base = System.currentTimeMillis() - 6 * 3_600_000L;
    int first = what.equals("warm") ? 0 : 1;
    for (int i = 0; i < n; i++) {
      int camera = i % cameras;
      long start = base + (first + (long) (i / cameras)) * 3_000;
      int p = i % publishers;
      if (!windows.get(p).tryAcquire(120, TimeUnit.SECONDS)) throw new IllegalStateException("no PUBACKs");
      String id = "cam-" + camera;
      clients.get(p).publish(Topics.segments(id), Buffer.buffer(Json.encode(IngestThroughput.notification(id, start,
          i))), MqttQoS.AT_LEAST_ONCE, /* isDup= */ false, /* isRetain= */ false);
    }
    waitFor("PUBACKs", () -> acked.get() >= n, 600);
    clients.forEach(MqttClient::disconnect);
  }

  private static long heapAfterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
    if (!m.find()) throw new IllegalStateException("no heap figure from jcmd " + pid);
    return Long.parseLong(m.group(1)) * 1024;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  private static long held(int port) {
    long sum = 0;
    for (String line : get(port, "/metrics").split("\n")) {
      if (line.startsWith("ingest_notifications_held{")) {
        sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static String metricLines(int port, String prefix) {
    StringBuilder b = new StringBuilder();
    for (String line : get(port, "/metrics").split("\n")) {
      if (line.startsWith(prefix)) b.append(line.substring(line.lastIndexOf(' ') + 1).replace(".0", "")).append(' ');
    }
    return b.toString().trim();
  }

  private static String get(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .header("Authorization", "Bearer " + IngestThroughput.ADMIN_TOKEN)
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static long count(Pool pool) {
    try {
      return pool.query("SELECT count(*) FROM ingest.segments").execute().await(30, TimeUnit.SECONDS).iterator()
          .next().getLong(0);
    } catch (Exception e) { // PostgreSQL down or slow: not counted yet
      return -1;
    }
  }

  private static void waitFor(String what, java.util.function.BooleanSupplier done, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException(what + ": not within " + seconds + " s");
      Thread.sleep(500);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String load() {
    return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
