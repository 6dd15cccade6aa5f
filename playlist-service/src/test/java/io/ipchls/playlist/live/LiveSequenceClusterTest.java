package io.ipchls.playlist.live;

import static io.ipchls.playlist.TestStack.await;
import static io.ipchls.playlist.TestStack.contiguous;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.hazelcast.core.HazelcastInstance;
import io.ipchls.infra.Await;
import io.ipchls.kit.cluster.Cluster;
import io.ipchls.kit.cluster.ClusterConfig;
import io.ipchls.kit.cluster.Clustering;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.ipchls.playlist.live.LivePlaylistChecker.Reload;
import io.ipchls.protocol.ClusterNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 item 6 with the windows in the Hazelcast map, members in this JVM: a window the map evicted (what its
 * max-idle does) and a member's death (its Hazelcast instance terminated, no goodbye) both leave the live numbers
 * going on where they were, checked across reloads from either instance by {@link LivePlaylistChecker}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, timeUnit = TimeUnit.SECONDS)
class LiveSequenceClusterTest {
  /** Members of one cluster share its secret (base64 of 32 bytes). */
  private static final String CLUSTER_SECRET = "dGVzdC1jbHVzdGVyLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  private static final TestStack env = new TestStack();
  /** Map operations on a dead member's partitions wait for Hazelcast to move them (seconds). */
  private static final Duration SOON = Duration.ofSeconds(60);
  private static Pool pool;
  private final List<Vertx> members = new ArrayList<>();

  @BeforeAll
  static void migrate(Vertx vertx) {
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
  }

  @AfterEach
  void leave() {
    for (Vertx m : members) {
      try {
        await(m.close().recover(e -> Future.succeededFuture()));
      } catch (AssertionError e) {
        // a terminated member may not finish closing; its Hazelcast instance is gone already
      }
    }
  }

  /** {@code n} members of a fresh cluster of their own. */
  private List<Vertx> cluster(int n) throws IOException {
    String name = "live-seq-" + UUID.randomUUID();
    List<String> addresses = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int port = freePort();
      ports.add(port);
      addresses.add("127.0.0.1:" + port);
    }
    List<Vertx> out = new ArrayList<>();
    for (int port : ports) {
      Vertx m = await(Clustering.start(new ClusterConfig(name, "127.0.0.1", port, addresses, CLUSTER_SECRET)));
      members.add(m);
      out.add(m);
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static HazelcastInstance hazelcast(Vertx member) {
    return Cluster.hazelcast(member).orElseThrow();
  }

  private static List<Seg> recording(String cam) {
    return contiguous(cam, Instant.now().minusSeconds(40).truncatedTo(ChronoUnit.MILLIS),
        3000, 3000, 3000, 3000, 3000, 3000, 3000, 3000, 3000, 3000);
  }

  private static Reload announceAndReload(LiveInstance on, LivePlaylistChecker player, String cam, List<Seg> segs) {
    TestStack.announce(on.vertx, TestStack.insert(pool, segs));
    String newest = segs.get(segs.size() - 1).key();
    return player.reload(Await.until("the announced segment is live", SOON, () -> on.live(cam),
        t -> t.contains(newest)));
  }

  @Test
  void idleEviction_windowLoadedAgain_numbersContinue() throws IOException {
    Vertx member = cluster(1).get(0);
    LiveInstance live = LiveInstance.start(member, env.config(24));
    String cam = TestStack.camera("seq-evict");
    List<Seg> segs = recording(cam);
    TestStack.insert(pool, segs.subList(0, 8));
    LivePlaylistChecker player = new LivePlaylistChecker(env.stack.s3().bucket());
    assertEquals(2, player.reload(live.live(cam)).mediaSequence());

    var windows = hazelcast(member).getMap(ClusterNames.LIVE_WINDOWS);
    windows.evict(cam); // what max-idle does to a window nobody touched
    assertFalse(windows.containsKey(cam));
    Reload loaded = announceAndReload(live, player, cam, segs.subList(8, 9));
    assertEquals(3, loaded.mediaSequence(), loaded.text());
    Reload moved = announceAndReload(live, player, cam, segs.subList(9, 10));
    assertEquals(4, moved.mediaSequence(), moved.text());
  }

  @Test
  void memberDeath_survivorContinuesTheNumbers() throws IOException {
    List<Vertx> pair = cluster(2);
    LiveInstance doomed = LiveInstance.start(pair.get(0), env.config(24));
    LiveInstance survivor = LiveInstance.start(pair.get(1), env.config(24));
    String cam = TestStack.camera("seq-death");
    List<Seg> segs = recording(cam);
    TestStack.insert(pool, segs.subList(0, 8));
    // one player behind a load balancer: its reloads reach either instance
    LivePlaylistChecker player = new LivePlaylistChecker(env.stack.s3().bucket());
    player.reload(doomed.live(cam));
    player.reload(survivor.live(cam));
    announceAndReload(doomed, player, cam, segs.subList(8, 9));
    player.reload(Await.until("the survivor has it too", SOON, () -> survivor.live(cam),
        t -> t.contains(segs.get(8).key())));

    hazelcast(pair.get(0)).getLifecycleService().terminate(); // no goodbye: the member is simply gone
    Reload after = announceAndReload(survivor, player, cam, segs.subList(9, 10));
    assertEquals(4, after.mediaSequence(), after.text());
  }
}
