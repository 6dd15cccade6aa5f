package io.ipchls.kit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A member listens on its configured interface only: the Hazelcast member port and the event bus's port. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusteringBindTest {

  @Test
  void member_andEventBus_listenOnTheConfiguredInterfaceOnly_eventBusOnItsConfiguredPort() throws Exception {
    int busPort = freePort();
    String name = "bind-" + UUID.randomUUID().toString().substring(0, 8);
    Vertx vertx = Clustering.start(new ClusterConfig(name, "127.0.0.1", freePort(), List.of("127.0.0.1"), null,
        null, busPort)).await(60, TimeUnit.SECONDS);
    try {
      int memberPort = Cluster.hazelcast(vertx).orElseThrow().getCluster().getLocalMember().getAddress().getPort();
      for (int port : new int[] {memberPort, busPort}) {
        List<String> listeners = listeners(port);
        // 127.0.0.1 as /proc/net/tcp writes it, or as /proc/net/tcp6 writes the IPv4-mapped ::ffff:127.0.0.1
        assertEquals(1, listeners.size(), "listeners on port " + port + ": " + listeners);
        assertTrue(List.of("0100007F", "0000000000000000FFFF00000100007F").contains(listeners.get(0)),
            "port " + port + " listens on " + listeners.get(0) + ", not on 127.0.0.1 only");
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** The local addresses (as /proc/net/tcp writes them) of sockets listening on {@code port}, IPv4 and IPv6. */
  private static List<String> listeners(int port) throws Exception {
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    List<String> out = new ArrayList<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if (local[1].equals(hexPort) && f[3].equals("0A")) out.add(local[0]); // 0A: TCP_LISTEN
      }
    }
    assertTrue(Files.exists(Path.of("/proc/net/tcp")));
    return out;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
