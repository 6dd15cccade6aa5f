package io.ipchls.kit.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.RestEndpointGroup;
import io.ipchls.protocol.ClusterNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Starts a clustered Vert.x on Hazelcast: TCP-IP join on the configured members (or Kubernetes DNS discovery),
 * multicast off, listening on {@code cluster.host} only.
 * Hazelcast's own tooling is switched on: the REST health check on the member port
 * ({@code GET http://<member>/hazelcast/health/ready}, cluster state read-only), JMX MBeans ({@code com.hazelcast:*}),
 * and the client protocol on the member port (its command-line client and a Management Center connect by cluster name
 * and member list). A member that stops answering heartbeats is dropped after {@value #NO_HEARTBEAT_SECONDS} s.
 */
public final class Clustering {
  static final int NO_HEARTBEAT_SECONDS = 15;

  private Clustering() {}

  public static Future<Vertx> start(ClusterConfig cfg) {
    ClusterSeal seal = cfg.seal();
    // the event bus listens on the member's own interface only, on the configured port (0: any free one, announced
    // to the other members through the cluster)
    // mutually authenticated TLS with a key every member derives from the cluster secret (ClusterTls)
    EventBusOptions bus = cfg.tls().apply(new EventBusOptions().setHost(cfg.host()).setPort(cfg.eventBusPort()));
    return Vertx.builder().with(new VertxOptions().setEventBusOptions(bus))
        .withClusterManager(new HazelcastClusterManager(hazelcastConfig(cfg))).buildClustered()
        .onSuccess(vertx -> ClusterSeal.install(vertx, seal));
  }

  /** The Hazelcast member config for {@code cfg} (public so deployment tests can check what a sample yields). */
  public static Config hazelcastConfig(ClusterConfig cfg) {
    // Vert.x's own defaults (its maps, locks and semaphores) with our network settings on top.
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(cfg.name());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.jmx", "true");
    // a member that vanished without closing its connections (network cut, frozen process) leaves after this long;
    // a killed process is noticed sooner, by its refused connections
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(NO_HEARTBEAT_SECONDS));
    hz.getNetworkConfig().getRestApiConfig().setEnabled(true)
        .enableGroups(RestEndpointGroup.HEALTH_CHECK, RestEndpointGroup.CLUSTER_READ);
    hz.addMapConfig(liveWindows());
    hz.getNetworkConfig().setPort(cfg.port()).setPortAutoIncrement(true);
    hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(cfg.host());
    // the interface above only picks the address a member announces; Hazelcast still listens on every address
    // (0.0.0.0 / ::) unless told not to: a member on 127.0.0.1 must not be reachable from the network
    hz.setProperty("hazelcast.socket.bind.any", "false");
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

  /**
   * Live windows: one asynchronous backup (a member's death loses no window, and an update does not wait for its
   * backup), entries nobody touched for an hour leave, and entry processors work on the stored objects (OBJECT
   * format: no deserialisation on every update).
   */
  private static MapConfig liveWindows() {
    return new MapConfig(ClusterNames.LIVE_WINDOWS).setBackupCount(0).setAsyncBackupCount(1).setMaxIdleSeconds(3600)
        .setInMemoryFormat(com.hazelcast.config.InMemoryFormat.OBJECT);
  }
}
