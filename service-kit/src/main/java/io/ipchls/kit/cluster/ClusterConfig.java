package io.ipchls.kit.cluster;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.IntSetting;
import io.ipchls.kit.config.StringSetting;
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

  public static final StringSetting NAME = StringSetting.named("name").byDefault("ipc-hls");
  public static final StringSetting HOST = StringSetting.named("host").byDefault("127.0.0.1");
  public static final IntSetting PORT = IntSetting.port("port", 5701);
  public static final StringSetting JOIN = StringSetting.named("join").byDefault("tcp-ip");
  /** Comma-separated host or host:port; default: this member's own {@code host}. */
  public static final StringSetting MEMBERS = StringSetting.named("members");
  public static final StringSetting KUBERNETES_SERVICE_DNS = StringSetting.named("serviceDns");
  /** Default: this member's own {@code port}. */
  public static final String KUBERNETES_SERVICE_PORT = "servicePort";

  /** {@code cluster.members} is a comma-separated list of host or host:port. */
  public static ClusterConfig from(Settings s) {
    String host = HOST.read(s);
    int port = PORT.read(s);
    String join = JOIN.read(s).trim();
    Kubernetes kubernetes = switch (join) {
      case "tcp-ip" -> null;
      case "kubernetes" -> new Kubernetes(KUBERNETES_SERVICE_DNS.read(s.section("kubernetes")),
          IntSetting.port(KUBERNETES_SERVICE_PORT, port).read(s.section("kubernetes")));
      default -> throw new ConfigException(s.name("join"), "must be tcp-ip or kubernetes, got '" + join + "'");
    };
    return new ClusterConfig(
        NAME.read(s),
        host,
        port,
        Arrays.stream(MEMBERS.byDefault(host).read(s).split(",")).map(String::trim).filter(m -> !m.isEmpty())
            .toList(),
        kubernetes);
  }
}
