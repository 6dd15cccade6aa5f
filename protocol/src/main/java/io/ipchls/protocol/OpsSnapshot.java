package io.ipchls.protocol;

import java.util.Map;

/**
 * One service instance's entry in {@link ClusterNames#OPS_INSTANCES}: who it is (service, instance id, Hazelcast
 * member, host, pid, HTTP port, version), since when it runs, when it reported, its {@code /health} result and its
 * own figures ({@code stats}, free-form per service). Times are epoch ms.
 */
public record OpsSnapshot(String service, String instance, String member, String host, long pid, int httpPort,
    String version, long startedAt, long uptimeMs, long reportedAt, Map<String, Object> health,
    Map<String, Object> stats) {
  public OpsSnapshot {
    health = health == null ? Map.of() : health;
    stats = stats == null ? Map.of() : stats;
  }

  /** Whether its {@code /health} said UP. */
  public boolean healthy() {
    return "UP".equals(health.get("status"));
  }
}
