package io.ipchls.kit.cluster;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.Settings;
import java.util.Arrays;
import java.util.List;

/**
 * How this process joins the Hazelcast cluster: cluster name, the interface to bind, the first port to try, and the
 * TCP-IP member list (multicast is always off). A Hazelcast Management Center joins by {@code name}.
 */
public record ClusterConfig(String name, String host, int port, List<String> members) {
  public ClusterConfig {
    if (name == null || name.isBlank()) throw new ConfigException("cluster.name", "is required");
    if (members == null || members.isEmpty()) throw new ConfigException("cluster.members", "needs at least one member");
  }

  /** {@code cluster.members} is a comma-separated list of host or host:port. */
  public static ClusterConfig from(Settings s) {
    String host = s.string("host", "127.0.0.1");
    return new ClusterConfig(
        s.string("name", "ipc-hls"),
        host,
        s.integer("port", 5701, 1, 65535),
        Arrays.stream(s.string("members", host).split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList());
  }
}
