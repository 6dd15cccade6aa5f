package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.ScratchDir;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.infra.Await;
import io.ipchls.infra.BrokerAuth;
import io.ipchls.infra.BrokerOptions;
import io.ipchls.infra.EmbeddedBroker;
import io.ipchls.infra.EmbeddedPostgres;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults around one ingest instance, on a PostgreSQL and a broker of this test's own that it restarts (same port, same
 * data directory). Each test publishes a known set of notifications and then counts: every published key indexed
 * (zero loss), each once, and every camera's recording counting each segment once (zero duplicates).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ServerRestartTest {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final int CAMERAS = 10;
  private static Path dir;
  private static EmbeddedPostgres postgres;
  private static EmbeddedBroker broker;
  private static IngestTestSupport ingest;

  @BeforeAll
  static void start(Vertx vertx) {
    dir = ScratchDir.create("ingest-faults-").path();
    postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
    broker = EmbeddedBroker.start(brokerOptions(0));
    ingest = IngestTestSupport.withConfig(vertx, IngestTestSupport.configJson(postgres, broker.host(), broker.port(),
        IngestTestSupport.randomInstanceId())).start();
  }

  @AfterAll
  static void stop() {
    try {
      if (broker != null) broker.close();
      if (postgres != null) postgres.close();
    } finally {
      if (dir != null) ScratchDir.deleteTree(dir);
    }
  }

  private static BrokerOptions brokerOptions(int port) {
    return new BrokerOptions(dir.resolve("mqtt"), "127.0.0.1", port, BrokerAuth.allowAllAsService());
  }

  /** Notifications for {@value #CAMERAS} new cameras, each camera's segments back to back (one recording each). */
  private static List<SegmentNotification> notifications(String what, int perCamera) {
    List<SegmentNotification> all = new ArrayList<>();
    for (int c = 0; c < CAMERAS; c++) {
      String id = cameraId(what + c);
      for (int i = 0; i < perCamera; i++) all.add(segment(id, 3_600_000L - i * 3_000L));
    }
    return all;
  }

  private static String cameraOf(SegmentNotification n) {
    return n.key().substring(0, n.key().indexOf('/'));
  }

  /** Publishes through one connection per camera, waiting for the broker's acknowledgements every 200 messages. */
  private static void publish(List<SegmentNotification> notifications) {
    var cameras = new java.util.HashMap<String, IngestTestSupport.Camera>();
    try {
      List<Future<Integer>> pending = new ArrayList<>();
      for (SegmentNotification n : notifications) {
        pending.add(cameras.computeIfAbsent(cameraOf(n), ingest::camera).publishAsync(n));
        if (pending.size() == 200) {
          await(Future.all(pending));
          pending.clear();
        }
      }
      await(Future.all(pending));
    } finally {
      cameras.values().forEach(IngestTestSupport.Camera::close);
    }
  }

  /** Waits until every key is indexed, then checks that nothing is there twice, in segments or in recordings. */
  private static void assertIndexedExactlyOnce(List<SegmentNotification> published) {
    Set<String> cameras = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (SegmentNotification n : published) {
      cameras.add(cameraOf(n));
      keys.add(n.key());
    }
    String[] ids = cameras.toArray(new String[0]);
    Await.until("all " + keys.size() + " segments indexed", DEADLINE, () -> indexedKeys(ids).size(),
        n -> n >= keys.size());
    List<String> indexed = indexedKeys(ids);
    assertEquals(keys, new HashSet<>(indexed), "exactly the published keys");
    assertEquals(keys.size(), indexed.size(), "no key twice");
    for (Row r : await(ingest.pool.preparedQuery("""
        SELECT camera_id, count(*) AS recordings, sum(segment_count) AS segments FROM ingest.recordings
        WHERE camera_id = ANY($1::text[]) GROUP BY camera_id""").execute(Tuple.of(ids)))) {
      assertEquals(1, r.getLong("recordings"), "one recording for " + r.getString("camera_id"));
      assertEquals(keys.size() / cameras.size(), r.getLong("segments"), "each segment counted once");
    }
  }

  private static List<String> indexedKeys(String[] cameras) {
    List<String> keys = new ArrayList<>();
    for (Row r : await(ingest.pool.preparedQuery("SELECT object_key FROM ingest.segments WHERE camera_id = ANY($1)")
        .execute(Tuple.of(cameras)))) {
      keys.add(r.getString(0));
    }
    return keys;
  }

  @Test
  void postgresRestartedUnderLoad_losesNothing_duplicatesNothing() {
    List<SegmentNotification> all = notifications("pgrestart", 300);
    double retriesBefore = ingest.metric("segments_write_retries_total");
    publish(all.subList(0, 1000));
    postgres.close(); // ingest holds what it has, unacknowledged, and retries
    try {
      publish(all.subList(1000, 2000));
      ingest.awaitMetric("segments_write_retries_total", v -> v > retriesBefore);
    } finally {
      postgres = EmbeddedPostgres.start(dir.resolve("postgres"), postgres.port());
    }
    publish(all.subList(2000, all.size()));
    assertIndexedExactlyOnce(all);
  }

  @Test
  void brokerRestarted_losesNothing_duplicatesNothing() {
    List<SegmentNotification> all = notifications("brokerrestart", 200);
    publish(all.subList(0, 1000)); // the broker has acknowledged these: they are its to deliver
    broker.close();
    broker = EmbeddedBroker.start(brokerOptions(broker.port()));
    publish(all.subList(1000, all.size()));
    assertIndexedExactlyOnce(all);
  }

  @Test
  void duplicatedAndOutOfOrderNotifications_areIndexedOnce_inTheirRecordings() {
    List<SegmentNotification> all = notifications("dupshuffle", 100);
    List<SegmentNotification> sent = new ArrayList<>(all);
    sent.addAll(all);
    sent.addAll(all.subList(0, 300));
    Collections.shuffle(sent, new Random(7));
    double duplicatesBefore = ingest.metric("segments_duplicate_total");
    publish(sent);
    assertIndexedExactlyOnce(all);
    ingest.awaitMetric("segments_duplicate_total", v -> v >= duplicatesBefore + all.size() + 300);
    assertTrue(ingest.metric("segments_duplicate_total") >= duplicatesBefore + all.size() + 300);
  }
}
