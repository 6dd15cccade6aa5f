package io.ipchls.ingest.retention;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.ingest.shared.RecordingGapRule;
import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipchls.infra.Await;
import io.ipchls.infra.LocalStack;
import io.ipchls.ingest.indexing.Recording;
import io.ipchls.ingest.indexing.RecordingRepository;
import io.ipchls.ingest.indexing.SegmentRepository;
import io.ipchls.ingest.indexing.SegmentRow;
import io.ipchls.ingest.retention.RetentionSweepVerticle.Sweep;
import io.ipchls.kit.http.Metrics;
import io.ipchls.protocol.ObjectKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The retention sweeper against the embedded bucket: expired objects answer 404 and their rows are gone, segments
 * inside their camera's retention keep bytes and rows, recordings lose their expired beginning, an expired empty daily
 * partition is dropped, and a second sweep changes nothing.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RetentionTest {
  private static final long DAY_S = 86_400;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private record Seg(SegmentRow row, byte[] bytes) {}

  @Test
  void sweep_deletesExpiredObjectsAndRows_keepsTheRest_andRunsAgainAsANoOp(Vertx vertx) {
    LocalStack stack = LocalStack.sharedForTests();
    var support = new IngestTestSupport(vertx, new JsonObject().put("s3", IngestTestSupport.s3Json(stack))).migrate();
    var segments = new SegmentRepository(support.pool, RecordingGapRule.DEFAULT);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    String a = cameraId("ret-default");
    String b = cameraId("ret-short");
    String c = cameraId("ret-long");
    String d = cameraId("ret-trim");
    String e = cameraId("ret-partition");
    setRetention(support, b, 2);
    setRetention(support, c, 30);
    List<Seg> expired = new ArrayList<>();
    List<Seg> kept = new ArrayList<>();
    expired.add(seg(a, now.minusSeconds(8 * DAY_S)));
    kept.add(seg(a, now.minusSeconds(DAY_S)));
    expired.add(seg(b, now.minusSeconds(3 * DAY_S)));
    kept.add(seg(b, now.minusSeconds(DAY_S)));
    kept.add(seg(c, now.minusSeconds(8 * DAY_S)));
    Instant cutoff = now.minusSeconds(7 * DAY_S);
    for (int i = 0; i < 5; i++) expired.add(seg(d, cutoff.minusSeconds(15 - 3 * i)));
    for (int i = 0; i < 3; i++) kept.add(seg(d, cutoff.plusSeconds(150 + 3 * i)));
    LocalDate oldDay = LocalDate.now(ZoneOffset.UTC).minusDays(40); // beyond every camera's retention (30 days here)
    String partition = createPartition(support, oldDay);
    expired.add(seg(e, oldDay.atTime(12, 0).toInstant(ZoneOffset.UTC)));
    List<SegmentRow> rows = new ArrayList<>();
    for (Seg s : expired) rows.add(s.row());
    for (Seg s : kept) rows.add(s.row());
    await(segments.insertAndApplyGapRule(rows));
    for (Seg s : expired) support.putObject(s.row().objectKey(), s.bytes());
    for (Seg s : kept) support.putObject(s.row().objectKey(), s.bytes());
    assertEquals(1, recordingsOf(support, d).size(), "camera d: one recording across the cutoff");

    var retention = new RetentionConfig(support.config.s3(), /* defaultRetentionDays= */ 7,
        /* sweepIntervalSeconds= */ 3600);
    var sweeper = new RetentionSweepVerticle(retention, new IngestPools(support.config.db()),
        new IngestMetrics(new Metrics().registry()));
    await(vertx.deployVerticle(sweeper)); // sweeps once at start-up
    try (S3Client s3 = IngestTestSupport.s3Client(stack)) {
      for (Seg s : expired) {
        Await.until("row of " + s.row().objectKey() + " deleted", DEADLINE, () -> rowExists(support, s.row()),
            exists -> !exists);
        assertThrows(NoSuchKeyException.class, () -> get(s3, stack, s.row().objectKey()), "object deleted");
      }
      assertKept(support, s3, stack, kept);
      List<Recording> trimmed = recordingsOf(support, d);
      assertEquals(1, trimmed.size(), trimmed.toString());
      assertEquals(3, trimmed.get(0).segmentCount(), "only the segments inside retention remain in the recording");
      assertEquals(cutoff.plusSeconds(150), trimmed.get(0).start().toInstant());
      assertEquals(List.of(), recordingsOf(support, e), "a recording whose segments all expired is gone");
      Await.until("expired empty partition " + partition + " dropped", DEADLINE,
          () -> await(support.pool.preparedQuery("SELECT to_regclass($1)::text").execute(Tuple.of(partition)))
              .iterator().next().getString(0), name -> name == null);

      Sweep again = Await.until("a second sweep", DEADLINE, () -> await(sweeper.sweep()), s -> !s.skipped());
      assertEquals(0, again.segmentsDeleted(), "nothing left to delete");
      assertKept(support, s3, stack, kept);
    }
  }

  private static void assertKept(IngestTestSupport support, S3Client s3, LocalStack stack, List<Seg> kept) {
    for (Seg s : kept) {
      assertArrayEquals(s.bytes(), get(s3, stack, s.row().objectKey()), "object inside retention kept");
      assertEquals(true, rowExists(support, s.row()), "row inside retention kept: " + s.row().objectKey());
    }
  }

  private static Seg seg(String camera, Instant start) {
    OffsetDateTime at = start.atOffset(ZoneOffset.UTC);
    String key = ObjectKeys.segmentKey(camera, start, 1);
    byte[] bytes = ("segment " + key).getBytes(StandardCharsets.UTF_8);
    return new Seg(new SegmentRow(camera, at, /* durationMs= */ 3_000, key, bytes.length, null, /* seq= */ 1, "h264",
        /* width= */ 640, /* height= */ 360, at, /* clockJump= */ false, /* discontinuity= */ false), bytes);
  }

  private static void setRetention(IngestTestSupport support, String camera, int days) {
    await(support.pool.preparedQuery("INSERT INTO ingest.camera_settings (camera_id, retention_days) VALUES ($1, $2)")
        .execute(Tuple.of(camera, days)));
  }

  private static String createPartition(IngestTestSupport support, LocalDate day) {
    String name = "ingest.segments_" + DateTimeFormatter.BASIC_ISO_DATE.format(day);
    await(support.pool.query("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF ingest.segments FOR VALUES FROM ('"
        + day + " 00:00:00+00') TO ('" + day.plusDays(1) + " 00:00:00+00')").execute());
    return name;
  }

  private static boolean rowExists(IngestTestSupport support, SegmentRow row) {
    return await(support.pool.preparedQuery(
        "SELECT 1 FROM ingest.segments WHERE camera_id = $1 AND start_at = $2 AND object_key = $3")
        .execute(Tuple.of(row.cameraId(), row.startAt(), row.objectKey()))).size() == 1;
  }

  private static List<Recording> recordingsOf(IngestTestSupport support, String camera) {
    return await(new RecordingRepository(support.pool).overlapping(camera, OffsetDateTime.now().minusYears(1),
        OffsetDateTime.now().plusDays(1)));
  }

  private static byte[] get(S3Client s3, LocalStack stack, String key) {
    return s3.getObjectAsBytes(r -> r.bucket(stack.s3().bucket()).key(key)).asByteArray();
  }
}
