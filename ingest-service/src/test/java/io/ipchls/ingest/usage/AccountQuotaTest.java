package io.ipchls.ingest.usage;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.LocalStack;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.RecordingEvent;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentRejected;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An account's storage quota of three segments' bytes over two cameras (credential V5 accounts, enforced by ingest
 * V43), on the running service: ring deletes the oldest segments across both cameras until the account is under its
 * quota and recording goes on; stop refuses both cameras' segments over it with reason quota_exceeded, raises one
 * quota.exceeded event naming the account and deletes nothing; a camera moved to another account counts there.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AccountQuotaTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final int SEGMENT_BYTES = 2_000;
  private static final long QUOTA = 3L * SEGMENT_BYTES;
  private static final LocalStack STACK = LocalStack.sharedForTests();
  private static IngestTestSupport ingest;

  @BeforeAll
  static void start(Vertx vertx) {
    // quota rounds (and the accounts' totals) every second: the test waits for them, never for a fixed time
    ingest = new IngestTestSupport(vertx, new JsonObject().put("s3", IngestTestSupport.s3Json(STACK))
        .put("quotaIntervalSeconds", 1));
    await(Database.migrate(vertx, ingest.config.db(), "ingest"));
    await(Database.migrate(vertx, ingest.config.db(), "credential"));
    ingest.start();
  }

  @Test
  void ring_deletesTheOldestAcrossTheAccountsCameras_andRecordingGoesOn() {
    String account = account("ring", "ring");
    String a = camera("ring-a", account);
    String b = camera("ring-b", account);
    awaitAccountRow(account);
    List<SegmentNotification> sent = new ArrayList<>();
    try (var ca = ingest.camera(a); var cb = ingest.camera(b)) {
      for (int i = 0; i < 6; i++) sent.add(publish(i % 2 == 0 ? ca : cb, 60_000L - i * 3_000L));
    }
    List<String> newest = keys(sent.subList(3, 6));
    Await.until("the account's newest three", DEADLINE, () -> indexed(a, b), keys -> keys.equals(newest));
    assertEquals(sorted(newest), listedKeys(a, b), "the oldest objects of both cameras are gone from the bucket");

    try (var ca = ingest.camera(a); var cb = ingest.camera(b)) {
      sent.add(publish(ca, 40_000L));
      sent.add(publish(cb, 37_000L));
    }
    List<String> latest = keys(sent.subList(5, 8));
    Await.until("the account's latest three", DEADLINE, () -> indexed(a, b), keys -> keys.equals(latest));
    assertEquals(sorted(latest), listedKeys(a, b), "recording went on on both cameras; the ring keeps the newest three");
    Await.until("the account's stored bytes", DEADLINE, () -> accountBytes(account), bytes -> bytes == QUOTA);
  }

  @Test
  void stop_refusesBothCamerasOverQuota_raisesOneEventNamingTheAccount_deletesNothing() {
    String account = account("stop", "stop");
    String a = camera("stop-a", account);
    String b = camera("stop-b", account);
    awaitAccountRow(account);
    List<SegmentNotification> sent = new ArrayList<>();
    try (var ca = ingest.camera(a); var cb = ingest.camera(b)) {
      sent.add(publish(ca, 60_000L));
      sent.add(publish(cb, 57_000L));
      sent.add(publish(ca, 54_000L));
      Await.until("three segments indexed", DEADLINE, () -> indexed(a, b), keys -> keys.size() == 3);
      // the stop check reads the account's totals as the last quota round summed them
      Await.until("the account's stored bytes", DEADLINE, () -> accountBytes(account), bytes -> bytes == QUOTA);
      sent.add(publish(ca, 51_000L));
      sent.add(publish(cb, 48_000L));
      List<SegmentRejected> rejected = List.of(ca.awaitRejection(), cb.awaitRejection());
      for (SegmentRejected r : rejected) {
        assertTrue(r.reason().startsWith(RecordingEvent.REASON_QUOTA_EXCEEDED + ":"), r.reason());
        assertTrue(r.reason().contains(account), r.reason());
      }
      assertEquals(keys(sent.subList(3, 5)), rejected.stream().map(SegmentRejected::key).toList());
    }
    assertEquals(keys(sent.subList(0, 3)), indexed(a, b), "the three within the quota stay indexed");
    assertEquals(sorted(keys(sent)), listedKeys(a, b), "nothing deleted: every uploaded object is still in the bucket");
    List<JsonObject> events = new ArrayList<>();
    await(ingest.pool.preparedQuery("SELECT payload FROM ingest.recording_events "
        + "WHERE type = $1 AND payload ->> 'accountId' = $2").execute(Tuple.of(RecordingEvent.QUOTA_EXCEEDED, account)))
        .forEach(r -> events.add((JsonObject) r.getValue("payload")));
    assertEquals(1, events.size(), "one event when the account went over, not one per refused segment");
    assertEquals(QUOTA, events.get(0).getLong("bytes"));
  }

  @Test
  void movedCamera_countsForItsNewAccount() {
    String from = account("from", "ring");
    String to = account("to", "ring");
    String cam = camera("moved", from);
    try (var c = ingest.camera(cam)) {
      publish(c, 30_000L);
    }
    ingest.awaitKeys(cam, keys -> keys.size() == 1);
    Await.until("bytes of the first account", DEADLINE, () -> accountBytes(from), b -> b == SEGMENT_BYTES);
    await(ingest.pool.preparedQuery("UPDATE credential.devices SET account_id = $2 WHERE id = $1")
        .execute(Tuple.of(cam, to)));
    Await.until("bytes of the new account", DEADLINE, () -> accountBytes(to), b -> b == SEGMENT_BYTES);
    assertEquals(0L, accountBytes(from), "the old account holds nothing of the moved camera");
  }

  private static String account(String what, String policy) {
    String id = cameraId("acct-" + what);
    await(ingest.pool.preparedQuery("INSERT INTO credential.accounts (id, display_name, quota_bytes, quota_policy) "
        + "VALUES ($1, $1, $2, $3)").execute(Tuple.of(id, QUOTA, policy)));
    return id;
  }

  private static String camera(String what, String account) {
    String id = cameraId(what);
    await(ingest.pool.preparedQuery("INSERT INTO credential.devices (id, secret_hash, prefix, account_id) "
        + "VALUES ($1, 'not-a-login-test', $1, $2)").execute(Tuple.of(id, account)));
    return id;
  }

  /** The account's row exists once a quota round saw it; the cameras' policies are read after that. */
  private static void awaitAccountRow(String account) {
    Await.until("account " + account + " in the quota round", DEADLINE,
        () -> await(ingest.pool.preparedQuery("SELECT 1 FROM ingest.account_usage_v1 WHERE account_id = $1")
            .execute(Tuple.of(account))).size(), n -> n == 1);
  }

  private static long accountBytes(String account) {
    var rows = await(ingest.pool.preparedQuery("SELECT stored_bytes FROM ingest.account_usage_v1 WHERE account_id = $1")
        .execute(Tuple.of(account)));
    return rows.size() == 0 ? -1 : rows.iterator().next().getLong(0);
  }

  private static SegmentNotification publish(IngestTestSupport.Camera camera, long ageMs) {
    long start = System.currentTimeMillis() - ageMs;
    String key = ObjectKeys.segmentKey(camera.id, Instant.ofEpochMilli(start), ageMs);
    ingest.putObject(key, new byte[SEGMENT_BYTES]);
    var n = new SegmentNotification(SegmentNotification.VERSION, key, start, /* durationMs= */ 3_000, SEGMENT_BYTES,
        null, ageMs, "h264", /* width= */ 640, /* height= */ 360, System.currentTimeMillis(), null, null);
    camera.publish(n);
    return n;
  }

  private static List<String> keys(List<SegmentNotification> sent) {
    return sent.stream().sorted(Comparator.comparingLong(SegmentNotification::start)).map(SegmentNotification::key)
        .toList();
  }

  private static List<String> sorted(List<String> keys) {
    return keys.stream().sorted().toList();
  }

  /** Both cameras' indexed keys in time order. */
  private static List<String> indexed(String a, String b) {
    List<String> out = new ArrayList<>();
    await(ingest.pool.preparedQuery("SELECT object_key FROM ingest.segments WHERE camera_id = ANY ($1) "
        + "ORDER BY start_at").execute(Tuple.of(new String[] {a, b}))).forEach(r -> out.add(r.getString(0)));
    return out;
  }

  /** Both cameras' objects in the bucket, sorted. */
  private static List<String> listedKeys(String a, String b) {
    try (S3Client s3 = IngestTestSupport.s3Client(STACK)) {
      List<String> keys = new ArrayList<>();
      for (String id : List.of(a, b)) {
        s3.listObjectsV2Paginator(r -> r.bucket(STACK.s3().bucket()).prefix(id + "/")).contents()
            .forEach(o -> keys.add(o.key()));
      }
      return keys.stream().sorted().toList();
    }
  }
}
