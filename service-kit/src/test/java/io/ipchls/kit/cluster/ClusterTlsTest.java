package io.ipchls.kit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The event bus between members: mutual TLS with a key derived from the cluster secret. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterTlsTest {
  private static final String SECRET = b64("event-bus-test-secret-0123456789abcdef");
  private static final String OTHER = b64("somebody-else-entirely-0123456789abcdef");
  private final List<Vertx> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Vertx v : started) v.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void membersWithTheSecret_talk_anOutsiderWithAnotherSecret_neitherAsksNorAnswers() throws Exception {
    String name = "tls-" + UUID.randomUUID().toString().substring(0, 8);
    int p1 = freePort();
    int p2 = freePort();
    List<String> members = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);
    Vertx a = start(new ClusterConfig(name, "127.0.0.1", p1, members, SECRET));
    Vertx b = start(new ClusterConfig(name, "127.0.0.1", p2, members, SECRET));
    a.eventBus().<String>consumer("echo.a", m -> m.reply("a:" + m.body())).completion().await(30, TimeUnit.SECONDS);
    assertEquals("a:hi", b.eventBus().<String>request("echo.a", "hi").await(30, TimeUnit.SECONDS).body());

    Vertx outsider = start(new ClusterConfig(name, "127.0.0.1", freePort(), members, OTHER));
    assertEquals(3, Cluster.hazelcast(outsider).orElseThrow().getCluster().getMembers().size());
    ConcurrentLinkedQueue<String> reached = new ConcurrentLinkedQueue<>();
    outsider.eventBus().<String>consumer("echo.x", m -> {
      reached.add(m.body());
      m.reply("x:" + m.body());
    }).completion().await(30, TimeUnit.SECONDS);
    Throwable fromMember = b.eventBus().request("echo.x", "secret stuff", new DeliveryOptions().setSendTimeout(3000))
        .transform(ar -> Future.succeededFuture(ar.cause())).await(30, TimeUnit.SECONDS);
    assertNotNull(fromMember, "a member's message was answered by the outsider");
    Throwable fromOutsider = outsider.eventBus().request("echo.a", "hi", new DeliveryOptions().setSendTimeout(3000))
        .transform(ar -> Future.succeededFuture(ar.cause())).await(30, TimeUnit.SECONDS);
    assertNotNull(fromOutsider, "the outsider's request was answered by a member");
    assertTrue(reached.isEmpty(), "reached the outsider: " + reached);
    // and the members still talk to each other
    assertEquals("a:again", b.eventBus().<String>request("echo.a", "again").await(30, TimeUnit.SECONDS).body());
  }

  private Vertx start(ClusterConfig cfg) throws Exception {
    Vertx v = Clustering.start(cfg).await(60, TimeUnit.SECONDS);
    started.add(0, v);
    return v;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
