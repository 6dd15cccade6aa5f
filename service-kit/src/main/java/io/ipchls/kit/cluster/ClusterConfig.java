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
 *
 * <p>{@code secret} (base64 of at least {@value #MIN_SECRET_BYTES} random bytes; env {@code IPCHLS_CLUSTER_SECRET})
 * keys the {@link ClusterSeal} that keeps camera passwords and storage secret keys unreadable on the event bus and
 * in cluster maps. Every member of a cluster of several processes needs the same one, so it is required as soon as
 * {@code members} names more than one member or members are discovered on Kubernetes; a single process without it
 * makes its own at start. Never printed.
 */
public record ClusterConfig(String name, String host, int port, List<String> members, Kubernetes kubernetes,
    String secret, int eventBusPort) {
  /** Shortest cluster secret accepted: 256 bits. */
  public static final int MIN_SECRET_BYTES = 32;

  public ClusterConfig {
    if (name == null || name.isBlank()) throw new ConfigException("cluster.name", "is required");
    if (kubernetes == null && (members == null || members.isEmpty())) {
      throw new ConfigException("cluster.members", "needs at least one member");
    }
    members = members == null ? List.of() : List.copyOf(members);
    if (secret != null && secret.isBlank()) secret = null;
    if (eventBusPort < 0 || eventBusPort > 65535) throw new ConfigException("cluster.eventBusPort", "must be 0-65535");
    if (secret != null) decodeSecret(secret);
    if (secret == null && (kubernetes != null || members.size() > 1)) {
      throw new ConfigException("cluster.secret", "is required for a cluster of several processes (base64 of "
          + MIN_SECRET_BYTES + " random bytes, the same on every member, e.g. `openssl rand -base64 32`)");
    }
  }

  /** A TCP-IP cluster. */
  public ClusterConfig(String name, String host, int port, List<String> members) {
    this(name, host, port, members, null, null, 0);
  }

  /** A TCP-IP cluster whose members share {@code secret}. */
  public ClusterConfig(String name, String host, int port, List<String> members, String secret) {
    this(name, host, port, members, null, secret, 0);
  }

  /** The seal this member uses: keyed by the configured secret, or this process's own when none is configured. */
  public ClusterSeal seal() {
    return secret == null ? ClusterSeal.processLocal() : new ClusterSeal(decodeSecret(secret));
  }

  /** The event bus's TLS identity, derived from the same secret as {@link #seal()}. */
  ClusterTls tls() {
    return new ClusterTls(secret == null ? ClusterSeal.processSecret() : decodeSecret(secret));
  }

  private static byte[] decodeSecret(String secret) {
    byte[] bytes;
    try {
      bytes = java.util.Base64.getMimeDecoder().decode(secret.trim().replace('-', '+').replace('_', '/'));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("cluster.secret", "must be base64");
    }
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new ConfigException("cluster.secret", "must hold at least " + MIN_SECRET_BYTES + " bytes (base64 of "
          + MIN_SECRET_BYTES + " random bytes, e.g. `openssl rand -base64 32`)");
    }
    return bytes;
  }

  @Override
  public String toString() {
    return "ClusterConfig[name=" + name + ", host=" + host + ", port=" + port + ", members=" + members
        + ", kubernetes=" + kubernetes + ", eventBusPort=" + eventBusPort + ", secret=" + (secret == null ? "none" : "set") + "]";
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
  public static final StringSetting SECRET = StringSetting.named("secret");
  /** The event bus's TCP port on {@code host}; 0 (default) takes any free port and announces it to the members. */
  public static final IntSetting EVENT_BUS_PORT = IntSetting.named("eventBusPort").byDefault(0).atLeast(0).atMost(65535);

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
        kubernetes,
        SECRET.read(s),
        EVENT_BUS_PORT.read(s));
  }
}
