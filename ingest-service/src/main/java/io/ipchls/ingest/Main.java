package io.ipchls.ingest;

import io.ipchls.kit.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs ingest-service alone: {@code java io.ipchls.ingest.Main [config.json]} (or IPCHLS_CONFIG), env overrides. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    String file = args.length > 0 ? args[0] : System.getenv("IPCHLS_CONFIG");
    IngestConfig config;
    try {
      config = IngestConfig.fromJson(ConfigLoader.load(IngestConfig.defaults(),
          file == null || file.isBlank() ? null : Path.of(file), System.getenv()));
    } catch (RuntimeException e) {
      LOG.error("{}", e.getMessage());
      System.exit(2);
      return;
    }
    Vertx.builder().withClusterManager(new HazelcastClusterManager()).buildClustered()
        .compose(vertx -> IngestService.deploy(vertx, config))
        .onSuccess(v -> LOG.info("ingest-service started"))
        .onFailure(e -> {
          LOG.error("ingest-service failed to start", e);
          System.exit(1);
        });
  }
}
