package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.indexing.MixedTraffic.assertReason;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
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
 * committed. The grammar leaves no known such notification in the stock schema, so {@link PoisonTrigger} gives the
 * database reasons of its own for keys in a marker directory, and PostgreSQL raises its real errors.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UnstorableNotificationTest {
  private static IngestTestSupport ingest;
  private static MixedTraffic traffic;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    // one writer, so what arrives during a write queues into the next batch (SegmentBatcherIsolationTest shows the
    // split of a shared batch deterministically; over MQTT the batch sizes are the broker's timing)
    ingest = new IngestTestSupport(vertx, new JsonObject().put("writeConcurrency", 1)).start();
    PoisonTrigger.install(ingest);
    traffic = new MixedTraffic(ingest);
  }

  @AfterAll
  static void removePoison() {
    PoisonTrigger.remove(ingest);
  }

  private SegmentRejected rejectMarked(String kind) {
    double permanentBefore = ingest.metric("ingest_db_errors_total{kind=\"permanent\"}");
    SegmentRejected r = traffic.rejectAmongGood("unstorable-" + kind, id -> PoisonTrigger.marked(id, kind, key -> {}));
    assertTrue(ingest.metric("ingest_db_errors_total{kind=\"permanent\"}") > permanentBefore,
        "the refusal is counted as a permanent database error");
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
