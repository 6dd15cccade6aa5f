package io.ipchls.ingest.retention;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.retention.RetentionFixture.DAY_S;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.indexing.SegmentRow;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.ObjectKeys;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An account's quota_days (credential V5, enforced by ingest V43) caps its cameras' retention: a segment older than
 * the account's days is deleted, row and object, although the default retention ({@value RetentionFixture#DEFAULT_DAYS}
 * days) and the camera's own would keep it; a camera without an account keeps it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AccountRetentionTest {
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private RetentionFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new RetentionFixture(vertx);
    await(Database.migrate(vertx, fx.support.config.db(), "credential"));
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void sweep_accountQuotaDays_shortenTheCamerasRetention() {
    String account = cameraId("days-acct");
    await(fx.support.pool.preparedQuery("INSERT INTO credential.accounts (id, display_name, quota_days) "
        + "VALUES ($1, $1, 2)").execute(Tuple.of(account)));
    String cam = cameraId("days-cam");
    String alone = cameraId("days-alone");
    await(fx.support.pool.preparedQuery("INSERT INTO credential.devices (id, secret_hash, prefix, account_id) "
        + "VALUES ($1, 'not-a-login-test', $1, $2)").execute(Tuple.of(cam, account)));
    fx.setRetention(cam, 30);
    Instant old = now.minusSeconds(3 * DAY_S);
    Instant recent = now.minusSeconds(DAY_S);
    SegmentRow expired = fx.segment(cam, old, ObjectKeys.segmentKey(cam, old, 1));
    SegmentRow kept = fx.segment(cam, recent, ObjectKeys.segmentKey(cam, recent, 2));
    SegmentRow noAccount = fx.segment(alone, old, ObjectKeys.segmentKey(alone, old, 3));

    fx.sweep();

    assertFalse(fx.rowExists(expired), "3 days old, the account keeps 2");
    assertNull(fx.object(expired.objectKey()), "its object is deleted too");
    assertTrue(fx.rowExists(kept));
    assertNotNull(fx.object(kept.objectKey()));
    assertTrue(fx.rowExists(noAccount), "a camera without an account keeps the default 7 days");
    assertNotNull(fx.object(noAccount.objectKey()));
  }
}
