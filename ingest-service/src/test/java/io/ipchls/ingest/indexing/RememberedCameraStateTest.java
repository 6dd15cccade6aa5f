package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.protocol.ObjectKeys;
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
 * The camera states an ingest instance remembers from its own commits ({@link KnownCameras}), so that its next batch
 * of a camera needs no read: a state that another writer has moved since (another ingest instance, a hand on the
 * database) must never be stored over. The batch is rolled back and done again from what it reads, and the index is
 * the same as if nothing had been remembered: each segment once, numbers without repeat, one recording.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RememberedCameraStateTest {
  private static final OffsetDateTime T0 =
      Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC);
  private static IngestTestSupport support;

  @BeforeAll
  static void migrate(Vertx vertx) {
    support = new IngestTestSupport(vertx).migrate();
  }

  @Test
  void aCameraWrittenByAnotherInstanceMeanwhile_isReadAgain_andNumberedOnFromWhereTheOtherLeftIt() {
    String cam = cameraId("remembered-other-instance");
    var two = new SegmentRepository(support.pool, RecordingGapRule.DEFAULT);
    List<SegmentRow> segs = segments(cam, 7);
    SegmentRepository one = rememberingFirstThree(segs);
    long read = one.readCameras();
    await(one.insertAndApplyGapRule(segs.subList(3, 4)));
    assertEquals(read, one.readCameras(), "the camera's next batch on the same instance reads nothing");
    assertEquals(0, one.staleBatches());

    await(two.insertAndApplyGapRule(segs.subList(4, 5))); // the other instance moves the camera on
    long decided = one.decidedRows();
    await(one.insertAndApplyGapRule(segs.subList(5, 6)));
    assertEquals(1, one.staleBatches(), "the remembered state was stale: the batch was done again");
    assertEquals(decided + 1, one.decidedRows(), "and decided from what it read");
    await(one.insertAndApplyGapRule(segs.subList(6, 7)));
    assertEquals(1, one.staleBatches(), "a camera found stale is read for a while");

    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), numbers(cam, segs.size()), "each segment once, numbered on");
    assertEquals(List.of(1L, 7L), recordings(cam), "one recording of seven segments");
    assertEquals(7L, await(support.pool.preparedQuery("SELECT puts FROM ingest.live_sequence WHERE camera_id = $1")
        .execute(Tuple.of(cam))).iterator().next().getLong("puts"), "seven PUTs metered, none twice");
  }

  @Test
  void aRecordingMovedByHand_isReadAgain_andGrownFromWhereItIs() {
    String cam = cameraId("remembered-recording");
    List<SegmentRow> segs = segments(cam, 5);
    SegmentRepository one = rememberingFirstThree(segs);
    // the recording's end moved without the counters (as a late segment longer than the newest one can move it)
    OffsetDateTime movedEnd = segs.get(2).startAt().plus(5_000, ChronoUnit.MILLIS);
    await(support.pool.preparedQuery("UPDATE ingest.recordings SET end_at = $2 WHERE camera_id = $1")
        .execute(Tuple.of(cam, movedEnd)));
    await(one.insertAndApplyGapRule(segs.subList(3, 4)));
    assertEquals(1, one.staleBatches(), "the remembered recording was stale: the batch was done again");

    Row r = await(support.pool.preparedQuery(
        "SELECT end_at, segment_count FROM ingest.recordings WHERE camera_id = $1").execute(Tuple.of(cam)))
        .iterator().next();
    assertEquals(segs.get(3).startAt().plus(3_000, ChronoUnit.MILLIS).toInstant(),
        r.getOffsetDateTime("end_at").toInstant(), "grown to the new segment's end");
    assertEquals(4, r.getInteger("segment_count"));
    assertEquals(List.of(0L, 1L, 2L, 3L), numbers(cam, 4));
  }

  @Test
  void aCameraDeletedMeanwhile_isIndexedAsANewOne() {
    String cam = cameraId("remembered-deleted");
    List<SegmentRow> segs = segments(cam, 4);
    SegmentRepository one = rememberingFirstThree(segs);
    for (String table : List.of("segments", "recordings", "live_sequence")) {
      await(support.pool.preparedQuery("DELETE FROM ingest." + table + " WHERE camera_id = $1")
          .execute(Tuple.of(cam)));
    }
    await(one.insertAndApplyGapRule(segs.subList(3, 4)));
    assertEquals(1, one.staleBatches());
    assertEquals(List.of(0L), numbers(cam, 1), "numbered as a new camera's first segment");
    assertEquals(List.of(1L, 1L), recordings(cam));
  }

  /**
   * A repository that has indexed the first three segments: the first two as a new camera (the general path, nothing
   * remembered), the third read, decided and remembered.
   */
  private static SegmentRepository rememberingFirstThree(List<SegmentRow> segs) {
    var repository = new SegmentRepository(support.pool, RecordingGapRule.DEFAULT);
    await(repository.insertAndApplyGapRule(segs.subList(0, 2)));
    await(repository.insertAndApplyGapRule(segs.subList(2, 3)));
    return repository;
  }

  private static List<Long> numbers(String cam, int expected) {
    List<Long> out = new ArrayList<>();
    for (Row r : await(support.pool.preparedQuery(
        "SELECT media_seq FROM ingest.segments WHERE camera_id = $1 ORDER BY start_at").execute(Tuple.of(cam)))) {
      out.add(r.getLong("media_seq"));
    }
    assertEquals(expected, out.size(), "rows of " + cam);
    return out;
  }

  /** How many recordings the camera has, and their segments. */
  private static List<Long> recordings(String cam) {
    Row r = await(support.pool.preparedQuery(
        "SELECT count(*) AS n, sum(segment_count) AS segments FROM ingest.recordings WHERE camera_id = $1")
        .execute(Tuple.of(cam))).iterator().next();
    return List.of(r.getLong("n"), r.getLong("segments"));
  }

  private static List<SegmentRow> segments(String camera, int n) {
    List<SegmentRow> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      OffsetDateTime start = T0.plus(3000L * i, ChronoUnit.MILLIS);
      out.add(new SegmentRow(camera, start, 3000, ObjectKeys.segmentKey(camera, start.toInstant(), i), 1000 + i,
          null, i, "avc1.64001f", 1280, 720, start, false, false, "ts", null, null, null, null, null, null));
    }
    return out;
  }
}
