package io.ipchls.credential;

import io.ipchls.kit.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs credential-service alone on a clustered Vert.x. Config: file named by the first argument or IPCHLS_CONFIG. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    String file = args.length > 0 ? args[0] : System.getenv("IPCHLS_CONFIG");
    CredentialConfig config;
    try {
      config = CredentialConfig.fromJson(
          ConfigLoader.load(CredentialConfig.defaults(), file == null ? null : Path.of(file), System.getenv()));
    } catch (RuntimeException e) {
      LOG.error("{}", e.getMessage());
      System.exit(2);
      return;
    }
    Vertx.builder().withClusterManager(new HazelcastClusterManager()).buildClustered()
        .compose(vertx -> CredentialService.deploy(vertx, config))
        .onFailure(e -> {
          LOG.error("credential-service failed to start", e);
          System.exit(1);
        });
  }
}
