package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.infra.Await;
import io.ipchls.infra.LocalStack;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An ingest instance dies in the middle of a batch: its write has reached PostgreSQL and waits there, and the instance
 * is gone before it acknowledges. A batch is one transaction (V46: the cameras are locked and read, then written), so
 * what it had in flight is rolled back with its connection; the next instance with the same persistent session gets
 * every unacknowledged notification again and indexes each segment exactly once. (A batch committed just before its
 * instance died comes again as duplicates: ServerRestartTest, NotificationFuzzTest.)
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IngestCrashTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String BLOCKED_WRITES = """
      SELECT count(*) FROM pg_stat_activity
      WHERE wait_event_type = 'Lock'
        AND (query LIKE '%index_and_meter_segments(%' OR query LIKE '%INSERT INTO ingest.segments%')""";

  @Test
  void killedMidBatch_nextInstanceIndexesEverythingOnce(Vertx vertx) {
    var stack = LocalStack.sharedForTests();
    String instanceId = IngestTestSupport.randomInstanceId();
    var config = IngestTestSupport.configJson(stack, instanceId);
    var test = IngestTestSupport.withConfig(vertx, config).migrate();

    String id = cameraId("crash");
    List<SegmentNotification> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) all.add(segment(id, 1_800_000L - i * 3_000L));

    Vertx doomed = Vertx.vertx();
    IngestTestSupport.withConfig(doomed, config).start();
    // hold the segments table so the doomed instance's writes wait inside PostgreSQL
    SqlConnection blocker = await(test.pool.getConnection());
    Transaction lock = await(blocker.begin());
    await(blocker.query("LOCK TABLE ingest.segments IN ACCESS EXCLUSIVE MODE").execute());
    IngestTestSupport successor;
    try (var cam = test.camera(id)) {
      all.forEach(cam::publishAsync);
      cam.awaitAcknowledged();
      Await.until("a write blocked mid-batch", DEADLINE, () -> count(test, BLOCKED_WRITES), n -> n >= 1);
      doomed.close(); // dies: it never reconnects, and its MQTT session is taken over below
      successor = IngestTestSupport.withConfig(vertx, config).start(); // same persistent session
    } finally {
      await(lock.commit()); // the blocked writes now commit, for an instance that no longer acknowledges anything
      await(blocker.close());
    }
    List<String> keys = Await.until("all 300 segments indexed", DEADLINE, () -> successor.keysOf(id),
        k -> k.size() >= all.size());
    assertEquals(all.stream().map(SegmentNotification::key).toList(), keys, "each key once, in time order");
    Row rec = await(test.pool.preparedQuery(
        "SELECT count(*) OVER () AS n, segment_count FROM ingest.recordings WHERE camera_id = $1")
        .execute(Tuple.of(id))).iterator().next();
    assertEquals(1, rec.getLong("n"));
    assertEquals(all.size(), rec.getInteger("segment_count"), "redelivered segments are not counted twice");
    Await.until("the doomed instance's write ended", DEADLINE, () -> count(test, BLOCKED_WRITES), n -> n == 0);
    assertEquals(all.stream().map(SegmentNotification::key).toList(), successor.keysOf(id),
        "still each key once after the doomed instance's transaction ended");
  }

  private static long count(IngestTestSupport t, String sql) {
    return await(t.pool.query(sql).execute()).iterator().next().getLong(0);
  }

}
