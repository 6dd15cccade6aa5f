package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static io.ipchls.ingest.IngestTestSupport.withKey;
import static io.ipchls.ingest.indexing.MixedTraffic.assertReason;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentRejected;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A notification that passes every check but that PostgreSQL refuses fails alone: it is refused as
 * {@code unstorable} with the database's reason, acknowledged, and the other cameras' segments of its batch are
 * committed. The grammar leaves no known such notification in the stock schema, so this test gives the database
 * reasons of its own for keys that contain a marker directory, and PostgreSQL raises its real errors: a numeric
 * overflow (22003), an invalid UTF-8 byte sequence (22021), a program limit (54000) from a trigger, and a CHECK
 * constraint (23514). The marker is only in the offender's key, so other tests' cameras are never touched.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UnstorableNotificationTest {
  private static final String POISON_TRIGGER = """
      CREATE OR REPLACE FUNCTION ingest.test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.object_key LIKE '%/poison-overflow/%' THEN PERFORM (NEW.seq * 4294967296)::integer; END IF;
        IF NEW.object_key LIKE '%/poison-encoding/%' THEN PERFORM convert_from('\\x00ff'::bytea, 'UTF8'); END IF;
        IF NEW.object_key LIKE '%/poison-limit/%' THEN PERFORM array_fill(0, ARRAY[200000000]); END IF;
        RETURN NULL;
      END $$;
      DROP TRIGGER IF EXISTS test_poison ON ingest.segments;
      CREATE TRIGGER test_poison AFTER INSERT ON ingest.segments FOR EACH ROW EXECUTE FUNCTION ingest.test_poison();
      ALTER TABLE ingest.segments DROP CONSTRAINT IF EXISTS test_poison_check;
      ALTER TABLE ingest.segments ADD CONSTRAINT test_poison_check CHECK (object_key NOT LIKE '%/poison-check/%');
      """;
  private static final String POISON_REMOVED = """
      DROP TRIGGER IF EXISTS test_poison ON ingest.segments;
      DROP FUNCTION IF EXISTS ingest.test_poison();
      ALTER TABLE ingest.segments DROP CONSTRAINT IF EXISTS test_poison_check;
      """;

  private static IngestTestSupport ingest;
  private static MixedTraffic traffic;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    // large batches and one writer, so an offender shares its batch with other cameras' segments
    ingest = new IngestTestSupport(vertx, new JsonObject().put("writeConcurrency", 1)).start();
    await(ingest.pool.query(POISON_TRIGGER).execute());
    traffic = new MixedTraffic(ingest);
  }

  @AfterAll
  static void removePoison() {
    await(ingest.pool.query(POISON_REMOVED).execute());
  }

  /** A segment of the camera whose key lies in the marker directory {@code poison-<kind>}. */
  private static byte[] marked(String cameraId, String kind) {
    SegmentNotification n = segment(cameraId, 1_000);
    return Json.encode(withKey(n, cameraId + "/poison-" + kind + "/" + n.key().substring(cameraId.length() + 1)));
  }

  private SegmentRejected rejectMarked(String kind) {
    double permanentBefore = ingest.metric("ingest_db_errors_total{kind=\"permanent\"}");
    SegmentRejected r = traffic.rejectAmongGood("unstorable-" + kind, id -> marked(id, kind));
    // a batch of one fails once; an offender among others fails once per split on its way to standing alone
    assertTrue(ingest.metric("ingest_db_errors_total{kind=\"permanent\"}") >= permanentBefore + 2,
        "the offender shared a batch with other cameras' segments and was split out of it");
    assertTrue(ingest.metric("segments_rejected_total{reason=\"unstorable\"}") >= 1, "and as a rejection");
    return r;
  }

  @Test
  void numericOverflowInTheDatabase_refusesOnlyThatSegment() {
    assertReason("unstorable", "SQLSTATE 22003", rejectMarked("overflow"));
  }

  @Test
  void invalidByteSequenceInTheDatabase_refusesOnlyThatSegment() {
    assertReason("unstorable", "SQLSTATE 22021", rejectMarked("encoding"));
  }

  @Test
  void programLimitInTheDatabase_refusesOnlyThatSegment() {
    assertReason("unstorable", "SQLSTATE 54000", rejectMarked("limit"));
  }

  @Test
  void checkConstraintViolation_refusesOnlyThatSegment() {
    assertReason("unstorable", "SQLSTATE 23514", rejectMarked("check"));
  }
}
