package io.ipchls.kit.cluster;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.Settings;
import java.util.Arrays;
import java.util.List;

/**
 * How this process joins the Hazelcast cluster: cluster name, the interface to bind, the first port to try, and how
 * members find each other (multicast is always off): {@code join: tcp-ip} (default) with the {@code members} list, or
 * {@code join: kubernetes} with Hazelcast's Kubernetes discovery in DNS lookup mode ({@code kubernetes.serviceDns},
 * the headless service of the members; no Kubernetes API access needed). A Hazelcast Management Center joins by
 * {@code name}.
 */
public record ClusterConfig(String name, String host, int port, List<String> members, Kubernetes kubernetes) {
  public ClusterConfig {
    if (name == null || name.isBlank()) throw new ConfigException("cluster.name", "is required");
    if (kubernetes == null && (members == null || members.isEmpty())) {
      throw new ConfigException("cluster.members", "needs at least one member");
    }
    members = members == null ? List.of() : List.copyOf(members);
  }

  /** A TCP-IP cluster. */
  public ClusterConfig(String name, String host, int port, List<String> members) {
    this(name, host, port, members, null);
  }

  /**
   * Kubernetes discovery by DNS: {@code serviceDns} names a headless service whose A records are the members' pod
   * IPs; {@code servicePort} is the Hazelcast port on them.
   */
  public record Kubernetes(String serviceDns, int servicePort) {
    public Kubernetes {
      if (serviceDns == null || serviceDns.isBlank()) {
        throw new ConfigException("cluster.kubernetes.serviceDns", "is required when cluster.join is kubernetes");
      }
    }
  }

  /** {@code cluster.members} is a comma-separated list of host or host:port. */
  public static ClusterConfig from(Settings s) {
    String host = s.string("host", "127.0.0.1");
    int port = s.integer("port", 5701, 1, 65535);
    String join = s.string("join", "tcp-ip").trim();
    Kubernetes kubernetes = switch (join) {
      case "tcp-ip" -> null;
      case "kubernetes" -> new Kubernetes(s.section("kubernetes").string("serviceDns", null),
          s.section("kubernetes").integer("servicePort", port, 1, 65535));
      default -> throw new ConfigException(s.name("join"), "must be tcp-ip or kubernetes, got '" + join + "'");
    };
    return new ClusterConfig(
        s.string("name", "ipc-hls"),
        host,
        port,
        Arrays.stream(s.string("members", host).split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList(),
        kubernetes);
  }
}
