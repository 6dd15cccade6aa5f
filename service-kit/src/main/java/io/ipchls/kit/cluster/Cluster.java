package io.ipchls.kit.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Optional;

/**
 * What a service may ask about the cluster it runs in. A service gets a plain Vert.x in some tests; then it is a
 * cluster of one and there is no Hazelcast instance.
 */
public final class Cluster {
  private Cluster() {}

  /** The Hazelcast member this Vert.x runs on, if it is clustered on Hazelcast. */
  public static Optional<HazelcastInstance> hazelcast(Vertx vertx) {
    if (vertx.isClustered() && vertx instanceof VertxInternal internal
        && internal.clusterManager() instanceof HazelcastClusterManager hz) {
      return Optional.ofNullable(hz.getHazelcastInstance());
    }
    return Optional.empty();
  }

  /** This member's Hazelcast member UUID (what Hazelcast's tools show), or {@code "local"} without a cluster. */
  public static String memberId(Vertx vertx) {
    return hazelcast(vertx).map(hz -> hz.getCluster().getLocalMember().getUuid().toString()).orElse("local");
  }
}
