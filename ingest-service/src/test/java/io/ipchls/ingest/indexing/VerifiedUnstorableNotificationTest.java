package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static io.ipchls.ingest.indexing.MixedTraffic.assertReason;

import io.ipchls.infra.LocalStack;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.protocol.Json;
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
 * The verification mode ({@code verifyObjects}: HEAD before indexing) follows the same split: a missing object and a
 * segment PostgreSQL refuses each fail alone among other cameras' segments, whose objects exist and are indexed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class VerifiedUnstorableNotificationTest {
  private static final byte[] OBJECT = new byte[188];
  private static IngestTestSupport ingest;
  private static MixedTraffic traffic;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    ingest = new IngestTestSupport(vertx, new JsonObject().put("verifyObjects", true).put("writeConcurrency", 1)
        .put("s3", IngestTestSupport.s3Json(LocalStack.sharedForTests()))).start();
    PoisonTrigger.install(ingest);
    traffic = new MixedTraffic(ingest, key -> ingest.putObject(key, OBJECT));
  }

  @AfterAll
  static void removePoison() {
    PoisonTrigger.remove(ingest);
  }

  @Test
  void missingObjectAmongExistingOnes_isRefusedAlone() {
    assertReason("object_missing", "bucket",
        traffic.rejectAmongGood("verified-missing", id -> Json.encode(segment(id, 1_000))));
  }

  @Test
  void segmentPostgresRefusesAmongVerifiedOnes_isRefusedAlone() {
    assertReason("unstorable", "SQLSTATE 23514", traffic.rejectAmongGood("verified-check",
        id -> PoisonTrigger.marked(id, "check", key -> ingest.putObject(key, OBJECT))));
  }
}
