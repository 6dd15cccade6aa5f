package io.ipchls.kit.ops;

import io.ipchls.kit.cluster.Cluster;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.http.Health;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.OpsSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this service instance's ops snapshot into the cluster map {@link ClusterNames#OPS_INSTANCES} every
 * {@value #PERIOD_MS} ms with a TTL of {@value #TTL_MS} ms: service, instance, Hazelcast member, host, pid, version,
 * uptime, its {@code /health} result and its own figures ({@code stats}). A stopped instance removes its entry; a
 * killed one's entry expires with the TTL (and its member leaves the cluster view at once, see {@link OpsView}).
 */
public final class OpsReporter {
  private static final Logger LOG = LoggerFactory.getLogger(OpsReporter.class);
  public static final long PERIOD_MS = 5_000;
  public static final long TTL_MS = 15_000;
  public static final String VERSION = readVersion();

  private final Vertx vertx;
  private final String service;
  private final String instance;
  private final Health health;
  private final Supplier<JsonObject> stats;
  private final long startedAt = System.currentTimeMillis();
  private volatile int httpPort = -1;
  private long timer = -1;
  private boolean stopped;

  /**
   * @param service the service's name ({@code ingest-service})
   * @param health the same checks as the instance's {@code /health}
   * @param stats the instance's own figures, called on the event loop every period
   */
  public OpsReporter(Vertx vertx, String service, Health health, Supplier<JsonObject> stats) {
    this.vertx = vertx;
    this.service = service;
    this.instance = service + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.health = health;
    this.stats = stats;
  }

  /** The HTTP port this instance answers on (shown in the cluster view). */
  public OpsReporter httpPort(int port) {
    this.httpPort = port;
    return this;
  }

  public String instance() {
    return instance;
  }

  /** Reports once now (so the instance shows up as soon as it is started), then every period. */
  public Future<Void> start() {
    timer = vertx.setPeriodic(PERIOD_MS, PERIOD_MS, t -> report());
    return report().recover(e -> Future.succeededFuture());
  }

  /** Stops reporting and removes this instance's entry (a graceful stop leaves the view at once). */
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) vertx.cancelTimer(timer);
    return map().compose(m -> m.remove(instance)).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  Future<Void> report() {
    return health.evaluate().compose(h -> {
      if (stopped) return Future.succeededFuture();
      JsonObject snapshot = ClusterMessages.toJson(snapshot(h));
      return map().compose(m -> m.put(instance, snapshot, TTL_MS));
    }).onFailure(e -> LOG.debug("ops snapshot not published: {}", e.getMessage()));
  }

  private OpsSnapshot snapshot(JsonObject health) {
    long now = System.currentTimeMillis();
    JsonObject own;
    try {
      own = stats.get();
    } catch (RuntimeException e) {
      own = new JsonObject().put("error", String.valueOf(e.getMessage()));
    }
    return new OpsSnapshot(service, instance, Cluster.memberId(vertx), HOST, ProcessHandle.current().pid(), httpPort,
        VERSION, startedAt, now - startedAt, now, plain(health), plain(own));
  }

  /** A JsonObject as plain maps and lists, which protocol's Jackson writes (it does not know Vert.x types). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> plain(JsonObject json) {
    return json == null ? Map.of() : Json.decodeClusterValue(json.encode(), Map.class);
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    return vertx.sharedData().getAsyncMap(ClusterNames.OPS_INSTANCES);
  }

  private static final String HOST = hostName();

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String readVersion() {
    try (InputStream in = OpsReporter.class.getResourceAsStream("/ipchls-version.properties")) {
      Properties p = new Properties();
      if (in != null) p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
