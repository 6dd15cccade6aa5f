package io.ipchls.playlist;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts playlist-service alone: {@code java ... io.ipchls.playlist.Main [config.json]} (or IPCHLS_CONFIG). */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    String file = args.length > 0 ? args[0] : System.getenv("IPCHLS_CONFIG");
    PlaylistConfig config;
    try {
      config = PlaylistConfig.fromJson(
          ConfigLoader.load(PlaylistConfig.defaults(), file == null ? null : Path.of(file), System.getenv()));
    } catch (ConfigException e) {
      LOG.error(e.getMessage());
      System.exit(2);
      return;
    }
    Vertx.builder().withClusterManager(new HazelcastClusterManager()).buildClustered()
        .compose(vertx -> PlaylistService.deploy(vertx, config).onFailure(e -> vertx.close()))
        .onSuccess(v -> LOG.info("playlist-service started: {}", config))
        .onFailure(e -> {
          LOG.error("playlist-service failed to start", e);
          System.exit(1);
        });
  }
}
