package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.kit.hls.HlsPlaylist;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live numbering rule ({@link LiveNumbering}, {@code ingest.number_live_segments}) as {@code index_segments}
 * applies it: consecutive numbers per camera whatever the writers, none for a duplicate or a backfill, late segments
 * at the end, discontinuities counted, and numbers that survive the rows' deletion.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveNumberingTest {
  private static final int SEGMENT_MS = 3_000;
  private static final OffsetDateTime T0 =
      Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC);
  private static IngestTestSupport support;
  private static SegmentRepository segments;

  @BeforeAll
  static void migrate(Vertx vertx) {
    support = new IngestTestSupport(vertx).migrate();
    segments = new SegmentRepository(support.pool, RecordingGapRule.DEFAULT);
  }

  /** A 3 s segment {@code offsetMs} after T0 (at most 100 s before it: the camera's counter stays positive). */
  private static SegmentRow at(String camera, long offsetMs) {
    OffsetDateTime start = T0.plus(offsetMs, ChronoUnit.MILLIS);
    long seq = offsetMs + 100_000;
    return new SegmentRow(camera, start, SEGMENT_MS, ObjectKeys.segmentKey(camera, start.toInstant(), seq),
        /* bytes= */ 1000, null, seq, "avc1.42e01e", /* width= */ 640, /* height= */ 360, start,
        /* clockJump= */ false, /* discontinuity= */ false);
  }

  /** The row with the camera's marks: a clock step, or the first segment of a new run (a restart). */
  private static SegmentRow marked(SegmentRow r, boolean clockJump, boolean restart) {
    return new SegmentRow(r.cameraId(), r.startAt(), r.durationMs(), r.objectKey(), r.bytes(), r.sha256(), r.seq(),
        r.codec(), r.width(), r.height(), r.deviceTime(), clockJump, restart);
  }

  private static List<SegmentsIndexed.Entry> write(SegmentRow... rows) {
    return await(segments.insertAndApplyGapRule(List.of(rows))).segments();
  }

  @Test
  void parallelWriters_numberEachNewSegmentOnce_consecutively() {
    String cam = cameraId("num-race");
    List<SegmentRow> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) rows.add(at(cam, i * (long) SEGMENT_MS));
    Collections.shuffle(rows, new Random(7));
    List<Future<IndexedBatch>> writes = new ArrayList<>();
    for (int i = 0; i < rows.size(); i += 4) writes.add(segments.insertAndApplyGapRule(rows.subList(i, i + 4)));
    writes.add(segments.insertAndApplyGapRule(rows.subList(0, 8))); // redelivered: no new numbers
    await(Future.all(writes));
    List<Long> numbers = new ArrayList<>();
    await(support.pool.preparedQuery("SELECT media_seq FROM ingest.segments WHERE camera_id = $1 ORDER BY media_seq")
        .execute(Tuple.of(cam))).forEach(r -> numbers.add(r.getLong(0)));
    // shuffled batches may leave a few segments too late to join live: those have no number, the rest 0, 1, 2, ...
    List<Long> numbered = numbers.stream().filter(n -> n != null).toList();
    assertEquals(LongStream.range(0, numbered.size()).boxed().toList(), numbered);
    assertEquals(numbered.size(), nextNumber(cam));
  }

  @Test
  void duplicateOfALiveSegment_getsNoSecondNumber() {
    String cam = cameraId("num-dup");
    assertEquals(List.of(0L, 1L), numbers(write(at(cam, 0), at(cam, 3000))));
    assertEquals(List.of(), write(at(cam, 3000)), "a duplicate is no new segment");
    assertEquals(List.of(2L), numbers(write(at(cam, 6000), at(cam, 6000))));
  }

  @Test
  void lateSegment_joinsAtTheEnd_backfillGetsNone() {
    String cam = cameraId("num-late");
    write(at(cam, 0), at(cam, 3000), at(cam, 9000));
    List<SegmentsIndexed.Entry> late = write(at(cam, 6000)); // 3 s before the newest: joins at the end
    assertEquals(3L, late.get(0).mediaSequence());
    List<SegmentsIndexed.Entry> old = write(at(cam, -60_000)); // a minute before the live edge: replay only
    assertNull(old.get(0).mediaSequence());
    assertNull(old.get(0).discontinuitySequence());
    assertEquals(4L, write(at(cam, 12_000)).get(0).mediaSequence());
  }

  @Test
  void discontinuities_countedInNumberOrder_eitherDirection() {
    String cam = cameraId("num-disc");
    List<SegmentsIndexed.Entry> e = new ArrayList<>(write(at(cam, 0), at(cam, 3000), at(cam, 60_000)));
    e.addAll(write(at(cam, 54_000))); // starts before the newest: back in time
    e.addAll(write(at(cam, 63_000))); // on from 60_000, but the previous live segment is the late one
    assertEquals(List.of(0L, 0L, 1L, 2L, 3L), e.stream().map(SegmentsIndexed.Entry::discontinuitySequence).toList());
  }

  @Test
  void restartMarkOrClockStep_withoutAGap_isADiscontinuity_whereThePlaylistMarksOne() {
    String cam = cameraId("num-restart");
    // contiguous in time throughout; the camera's very first segment has nothing to break from
    List<SegmentsIndexed.Entry> e = new ArrayList<>(write(marked(at(cam, 0), false, /* restart= */ true),
        at(cam, 3000), marked(at(cam, 6000), false, /* restart= */ true)));
    e.addAll(write(at(cam, 9000), marked(at(cam, 12_000), /* clockJump= */ true, false), at(cam, 15_000)));
    assertEquals(List.of(0L, 0L, 1L, 1L, 2L, 2L),
        e.stream().map(SegmentsIndexed.Entry::discontinuitySequence).toList());
    assertEquals(Arrays.asList(true, null, true, null, true, null),
        e.stream().map(SegmentsIndexed.Entry::discontinuity).toList(), "the event carries segments_v1's mark");
    // one rule: the stored number grows exactly where HlsPlaylist puts EXT-X-DISCONTINUITY
    HlsPlaylist playlist = HlsPlaylist.vod();
    for (SegmentsIndexed.Entry s : e) {
      playlist.segment(s.key(), Instant.ofEpochMilli(s.start()), s.durationMs(), s.startsRun());
    }
    List<Boolean> tagged = new ArrayList<>();
    boolean tag = false;
    for (String line : playlist.render().lines().toList()) {
      if (line.equals("#EXT-X-DISCONTINUITY")) tag = true;
      if (!line.startsWith("#")) {
        tagged.add(tag);
        tag = false;
      }
    }
    List<Boolean> grows = new ArrayList<>();
    for (int i = 0; i < e.size(); i++) {
      grows.add(i > 0 && e.get(i).discontinuitySequence() > e.get(i - 1).discontinuitySequence());
    }
    assertEquals(grows, tagged);
  }

  @Test
  void deletedRows_leaveTheCountersWhereTheyWere() {
    String cam = cameraId("num-retention");
    write(at(cam, 0), at(cam, 3000), at(cam, 6000));
    await(support.pool.preparedQuery("DELETE FROM ingest.segments WHERE camera_id = $1").execute(Tuple.of(cam)));
    assertEquals(List.of(3L), numbers(write(at(cam, 9000))));
  }

  private static List<Long> numbers(List<SegmentsIndexed.Entry> entries) {
    return entries.stream().map(SegmentsIndexed.Entry::mediaSequence).toList();
  }

  private static long nextNumber(String cam) {
    return await(support.pool.preparedQuery("SELECT next_media_seq FROM ingest.live_sequence_v1 WHERE camera_id = $1")
        .execute(Tuple.of(cam))).iterator().next().getLong(0);
  }
}
