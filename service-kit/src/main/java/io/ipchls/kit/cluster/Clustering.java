package io.ipchls.kit.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Starts a clustered Vert.x on Hazelcast: TCP-IP join on the configured members (or Kubernetes DNS discovery),
 * multicast off. Only Mains call it.
 */
public final class Clustering {
  private Clustering() {}

  public static Future<Vertx> start(ClusterConfig cfg) {
    return Vertx.builder().withClusterManager(new HazelcastClusterManager(hazelcastConfig(cfg))).buildClustered();
  }

  /** The Hazelcast member config for {@code cfg} (public so deployment tests can check what a sample yields). */
  public static Config hazelcastConfig(ClusterConfig cfg) {
    // Vert.x's own defaults (its maps, locks and semaphores) with our network settings on top.
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(cfg.name());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.getNetworkConfig().setPort(cfg.port()).setPortAutoIncrement(true);
    hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(cfg.host());
    JoinConfig join = hz.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cfg.kubernetes() == null) {
      join.getTcpIpConfig().setEnabled(true).setMembers(cfg.members());
    } else {
      // DNS lookup mode: the headless service's A records are the members; no Kubernetes API token or RBAC needed.
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cfg.kubernetes().serviceDns())
          .setProperty("service-port", String.valueOf(cfg.kubernetes().servicePort()));
    }
    return hz;
  }
}
