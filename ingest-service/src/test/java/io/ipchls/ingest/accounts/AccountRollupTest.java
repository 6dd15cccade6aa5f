package io.ipchls.ingest.accounts;

import static io.ipchls.ingest.IngestTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.kit.db.Database;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The roll-up contract of ingest V41 over credential's accounts (V5): per-camera figures joined with
 * {@code ingest.camera_accounts_v1()} sum up per account, follow a camera moved to another account at once, and leave
 * cameras without an account out; {@code ingest.account_quotas_v1()} gives each account's quota as the operator set it.
 * Rows are written as credential-service's admin API writes them.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccountRollupTest {
  /** Per-camera bytes standing in for a usage table, rolled up the way the contract documents. */
  static final String ROLL_UP = """
      SELECT ca.account_id, sum(u.bytes)::bigint AS bytes
      FROM unnest($1::text[], $2::bigint[]) AS u(camera_id, bytes)
      JOIN ingest.camera_accounts_v1() ca ON ca.camera_id = u.camera_id
      GROUP BY ca.account_id ORDER BY ca.account_id""";

  private static IngestTestSupport ingest;

  @BeforeAll
  static void migrate(Vertx vertx) {
    ingest = new IngestTestSupport(vertx);
    await(Database.migrate(vertx, ingest.config.db(), "ingest"));
    await(Database.migrate(vertx, ingest.config.db(), "credential"));
  }

  @Test
  void rollUp_sumsPerAccount_followsAReassignment_andLeavesCamerasWithoutAccountOut() {
    String a = account("roll-a", 1_000_000L, null, "ring");
    String b = account("roll-b", null, 30, "stop");
    String cam1 = camera("cam1", a);
    String cam2 = camera("cam2", a);
    String cam3 = camera("cam3", null);
    String[] cams = {cam1, cam2, cam3};
    Long[] bytes = {100L, 20L, 3L};

    assertEquals(Map.of(a, 120L), rollUp(cams, bytes));
    assertEquals(a, accountOf(cam2));
    assertNull(accountOf(cam3));

    move(cam2, b);
    move(cam3, a);
    assertEquals(Map.of(a, 103L, b, 20L), rollUp(cams, bytes));
    assertEquals(b, accountOf(cam2));

    move(cam1, null);
    assertEquals(Map.of(a, 3L, b, 20L), rollUp(cams, bytes));
    assertNull(accountOf(cam1));
  }

  @Test
  void quotas_areTheAccountsAsSet_nullForNoLimit() {
    String a = account("quota-a", 5_000_000_000L, 90, "stop");
    String b = account("quota-b", null, null, "ring");
    Row ra = quota(a);
    assertEquals(5_000_000_000L, ra.getLong("quota_bytes"));
    assertEquals(90, ra.getInteger("quota_days"));
    assertEquals("stop", ra.getString("quota_policy"));
    Row rb = quota(b);
    assertNull(rb.getLong("quota_bytes"));
    assertNull(rb.getInteger("quota_days"));
    assertEquals("ring", rb.getString("quota_policy"));
  }

  @Test
  void unknownCamera_hasNoAccount() {
    assertNull(accountOf(IngestTestSupport.cameraId("nosuch")));
  }

  private static Map<String, Long> rollUp(String[] cameras, Long[] bytes) {
    Map<String, Long> out = new LinkedHashMap<>();
    await(ingest.pool.preparedQuery(ROLL_UP).execute(Tuple.tuple().addArrayOfString(cameras).addArrayOfLong(bytes)))
        .forEach(r -> out.put(r.getString("account_id"), r.getLong("bytes")));
    return out;
  }

  private static String accountOf(String camera) {
    return await(ingest.pool.preparedQuery("SELECT ingest.camera_account_v1($1) AS a").execute(Tuple.of(camera)))
        .iterator().next().getString("a");
  }

  private static Row quota(String account) {
    var rows = await(ingest.pool.preparedQuery("SELECT * FROM ingest.account_quotas_v1() WHERE account_id = $1")
        .execute(Tuple.of(account)));
    assertEquals(1, rows.size());
    return rows.iterator().next();
  }

  private static String account(String what, Long quotaBytes, Integer quotaDays, String policy) {
    String id = IngestTestSupport.cameraId(what);
    await(ingest.pool.preparedQuery("INSERT INTO credential.accounts (id, display_name, quota_bytes, quota_days, "
        + "quota_policy) VALUES ($1, $1, $2, $3, $4)").execute(Tuple.of(id, quotaBytes, quotaDays, policy)));
    return id;
  }

  private static String camera(String what, String account) {
    String id = IngestTestSupport.cameraId(what);
    await(ingest.pool.preparedQuery("INSERT INTO credential.devices (id, secret_hash, prefix, account_id) "
        + "VALUES ($1, 'not-a-login-test', $1, $2)").execute(Tuple.of(id, account)));
    return id;
  }

  private static void move(String camera, String account) {
    await(ingest.pool.preparedQuery("UPDATE credential.devices SET account_id = $2 WHERE id = $1")
        .execute(Tuple.of(camera, account)));
  }
}
