package io.ipchls.kit;

import io.ipchls.kit.cluster.ClusterConfig;
import io.ipchls.kit.cluster.Clustering;
import io.ipchls.kit.config.ConfigLoader;
import io.ipchls.kit.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a service's {@code Main} does: read the config (defaults ← file named by the first argument or
 * {@code IPCHLS_CONFIG} ← {@code IPCHLS_*} environment), join the Hazelcast cluster of its {@code cluster} section,
 * deploy. A bad config exits with status 2 and a message naming the setting; a failed start exits with 1. SIGTERM
 * (systemd, Kubernetes, Ctrl-C) stops it gracefully: the verticles stop (the instance leaves the ops view, MQTT
 * sessions close, unacknowledged messages stay with the broker), then the member leaves the cluster.
 */
public final class ServiceMain {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

  private ServiceMain() {}

  public static <C> void run(String name, String[] args, JsonObject defaults, Function<JsonObject, C> parse,
      BiFunction<Vertx, C, Future<Void>> deploy) {
    String file = args.length > 0 ? args[0] : System.getenv("IPCHLS_CONFIG");
    C config;
    ClusterConfig cluster;
    try {
      JsonObject json = ConfigLoader.load(defaults, file == null || file.isBlank() ? null : Path.of(file),
          System.getenv());
      cluster = ClusterConfig.from(Settings.root(json).section("cluster"));
      config = parse.apply(json);
    } catch (RuntimeException e) {
      LOG.error("{}: {}", name, e.getMessage());
      System.exit(2);
      return;
    }
    Clustering.start(cluster)
        .onSuccess(vertx -> Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(name, vertx), "stop")))
        .compose(vertx -> deploy.apply(vertx, config).onFailure(e -> vertx.close()))
        .onSuccess(v -> LOG.info("{} started: {}", name, config))
        .onFailure(e -> {
          LOG.error("{} failed to start", name, e);
          System.exit(1);
        });
  }

  private static void stop(String name, Vertx vertx) {
    LOG.info("{} stopping", name);
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      LOG.info("{} stopped", name);
    } catch (Exception e) {
      LOG.warn("{} did not stop cleanly: {}", name, e.toString());
    }
  }
}
