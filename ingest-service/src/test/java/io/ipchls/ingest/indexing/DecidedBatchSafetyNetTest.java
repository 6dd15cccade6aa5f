package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The safety net under {@link DecidedBatch} (V46): a segment that ingest decided was new but that is indexed already
 * (which the rules say cannot happen, since a camera's newest segment never moves back) must not be stored twice nor
 * lose the rest of its batch. {@link SegmentRepository#STORE_DECIDED} is a plain INSERT, so the row already there
 * fails it with a unique violation, the transaction is rolled back, and the whole batch goes through
 * {@link SegmentRepository#INDEX_BATCH}, which probes every row. The test makes the impossible happen by moving the
 * camera's newest segment back by hand.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecidedBatchSafetyNetTest {
  private static final OffsetDateTime T0 =
      Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC);
  private static IngestTestSupport support;
  private static SegmentRepository repository;

  @BeforeAll
  static void migrate(Vertx vertx) {
    support = new IngestTestSupport(vertx).migrate();
    repository = new SegmentRepository(support.pool, RecordingGapRule.DEFAULT);
  }

  @Test
  void aSegmentDecidedNewThatIsIndexedAlready_isNotStoredTwice_andTheRestOfTheBatchIsIndexed() {
    String cam = cameraId("safety-net");
    List<SegmentRow> segs = new ArrayList<>();
    for (int i = 0; i < 5; i++) segs.add(row(cam, i));
    await(repository.insertAndApplyGapRule(segs.subList(0, 3))); // a new camera: the general path
    long decided = repository.decidedRows();
    assertEquals(List.of(segs.get(3).objectKey()), keys(await(repository.insertAndApplyGapRule(segs.subList(3, 4)))));
    assertEquals(decided + 1, repository.decidedRows(), "the next segment is decided by ingest, the usual case");

    // the impossible: the camera's newest segment moved back to the second, so the fourth looks new again
    await(support.pool.preparedQuery("UPDATE ingest.live_sequence SET newest_start = $2, newest_key = $3"
        + " WHERE camera_id = $1").execute(Tuple.of(cam, segs.get(1).startAt(), segs.get(1).objectKey())));
    decided = repository.decidedRows();
    IndexedBatch batch = await(repository.insertAndApplyGapRule(List.of(segs.get(3), segs.get(4))));

    assertEquals(List.of(segs.get(4).objectKey()), keys(batch), "only the fifth segment is new");
    assertEquals(decided, repository.decidedRows(), "nothing was stored as decided: the batch went the general way");
    List<String> stored = new ArrayList<>();
    List<Long> numbers = new ArrayList<>();
    for (Row r : await(support.pool.preparedQuery(
        "SELECT object_key, media_seq FROM ingest.segments WHERE camera_id = $1 ORDER BY start_at")
        .execute(Tuple.of(cam)))) {
      stored.add(r.getString("object_key"));
      numbers.add(r.getLong("media_seq"));
    }
    assertEquals(segs.stream().map(SegmentRow::objectKey).toList(), stored, "each segment once");
    // from the moved-back state the general path numbers the fifth 5, not 4: a live sequence may skip a number,
    // never go back or repeat one
    assertEquals(List.of(0L, 1L, 2L, 3L), numbers.subList(0, 4), "the first four keep their numbers");
    assertTrue(numbers.get(4) > 3, "the fifth is numbered after them: " + numbers);
    Row recording = await(support.pool.preparedQuery(
        "SELECT count(*) AS n, sum(segment_count) AS segments FROM ingest.recordings WHERE camera_id = $1")
        .execute(Tuple.of(cam))).iterator().next();
    assertEquals(List.of(1L, 5L), List.of(recording.getLong("n"), recording.getLong("segments")),
        "one recording of five segments");
  }

  private static List<String> keys(IndexedBatch batch) {
    return batch.segments().stream().map(SegmentsIndexed.Entry::key).toList();
  }

  private static SegmentRow row(String camera, int i) {
    OffsetDateTime start = T0.plus(3000L * i, ChronoUnit.MILLIS);
    String key = ObjectKeys.segmentKey(camera, start.toInstant(), i);
    return new SegmentRow(camera, start, 3000, key, 1000 + i, null, i, "avc1.64001f", 1280, 720, start, false, false,
        "ts", null, null, null, null, null, null);
  }
}
