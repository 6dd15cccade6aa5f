package io.ipchls.ingest.retention;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.retention.RetentionFixture.DAY_S;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.indexing.SegmentRow;
import io.ipchls.protocol.ObjectKeys;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Index files expire with their segments: a file whose period ended before its camera's retention cutoff (so every
 * segment it lists is past retention) is deleted from the bucket with its row; a file whose period reaches inside
 * retention stays, with its row, even though its own first segments are deleted.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IndexFileRetentionTest {
  private static final long HOUR_S = 3_600;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private RetentionFixture fx;

  private record IndexFile(long spanId, Instant periodStart, String key, byte[] bytes) {}

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new RetentionFixture(vertx);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void sweep_indexFileWhoseSegmentsAreAllPastRetention_isDeletedWithItsSegments() {
    String cam = cameraId("ret-index-old");
    long span = span(cam);
    Instant start = now.minusSeconds(9 * DAY_S);
    List<SegmentRow> listed = List.of(segment(cam, start.plusSeconds(10)), segment(cam, start.plusSeconds(13)));
    IndexFile index = indexFile(span, cam, start, start.plusSeconds(HOUR_S), listed);
    fx.sweep();
    for (SegmentRow s : listed) {
      assertFalse(fx.rowExists(s));
      assertNull(fx.object(s.objectKey()));
    }
    assertNull(fx.object(index.key()), "the index file is deleted from the bucket");
    assertFalse(indexRowExists(index), "and its row");
  }

  @Test
  void sweep_indexFileListingASegmentInsideRetention_isKept() {
    String cam = cameraId("ret-index-edge");
    long span = span(cam);
    Instant cutoff = now.minusSeconds(RetentionFixture.DEFAULT_DAYS * DAY_S);
    Instant start = cutoff.minusSeconds(HOUR_S / 2);
    SegmentRow expired = segment(cam, cutoff.minusSeconds(600));
    SegmentRow kept = segment(cam, cutoff.plusSeconds(600));
    IndexFile index = indexFile(span, cam, start, start.plusSeconds(HOUR_S), List.of(expired, kept));
    fx.sweep();
    assertNull(fx.object(expired.objectKey()), "the expired segment is deleted");
    assertTrue(fx.rowExists(kept));
    assertArrayEquals(index.bytes(), fx.object(index.key()), "the index still lists a kept segment: it stays");
    assertTrue(indexRowExists(index));
  }

  @Test
  void sweep_indexFileOfACameraWithLongerRetention_isKept() {
    String cam = cameraId("ret-index-30");
    fx.setRetention(cam, 30);
    long span = span(cam);
    Instant start = now.minusSeconds(9 * DAY_S);
    List<SegmentRow> listed = List.of(segment(cam, start.plusSeconds(10)));
    IndexFile index = indexFile(span, cam, start, start.plusSeconds(HOUR_S), listed);
    fx.sweep();
    assertTrue(fx.rowExists(listed.get(0)));
    assertArrayEquals(index.bytes(), fx.object(index.key()));
    assertTrue(indexRowExists(index));
  }

  private SegmentRow segment(String cam, Instant start) {
    return fx.segment(cam, start, ObjectKeys.segmentKey(cam, start, 1));
  }

  /** A stopped task span of the camera (so the index file job leaves it alone). */
  private long span(String cam) {
    String task = "task_" + cam.replace('-', '_');
    await(fx.support.pool.preparedQuery("INSERT INTO ingest.record_tasks (task_id, template_id, state, stopped_at) "
        + "VALUES ($1, 'tpl_test', 'stopped', now())").execute(Tuple.of(task)));
    var rows = await(fx.support.pool.preparedQuery("""
        INSERT INTO ingest.task_spans (task_id, camera_id, template_id, segment_seconds, index_period_seconds,
                                       camera_prefix, key_prefix, started_at, stopped_at, indexed_until,
                                       command_pending)
        VALUES ($1::text, $2::text, 'tpl_test', 3, 3600, $2::text, $2::text || '/tasks/' || $1::text,
                now() - interval '10 days', now(), now(), false) RETURNING span_id""").execute(Tuple.of(task, cam)));
    return rows.iterator().next().getLong(0);
  }

  /** Writes the index file of the segments into the bucket, as the index file job does, and records it. */
  private IndexFile indexFile(long span, String cam, Instant from, Instant to, List<SegmentRow> listed) {
    String key = cam + "/tasks/index/" + from.getEpochSecond() + ".m3u8";
    StringBuilder m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-TARGETDURATION:3\n");
    for (SegmentRow s : listed) m3u8.append("#EXTINF:3.000,\n../../").append(s.objectKey()).append('\n');
    byte[] bytes = m3u8.append("#EXT-X-ENDLIST\n").toString().getBytes(StandardCharsets.UTF_8);
    fx.support.putObject(key, bytes);
    await(fx.support.pool.preparedQuery("""
        INSERT INTO ingest.index_files (span_id, period_start, period_end, task_id, camera_id, object_key,
                                        segment_count, duration_ms, bytes)
        SELECT $1::bigint, $2::timestamptz, $3::timestamptz, task_id, camera_id, $4::text, $5::int, $6::bigint,
               $7::bigint
        FROM ingest.task_spans WHERE span_id = $1::bigint""")
        .execute(Tuple.of(span, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), key, listed.size(),
            3_000L * listed.size(), (long) bytes.length)));
    assertArrayEquals(bytes, fx.object(key), "index file written");
    return new IndexFile(span, from, key, bytes);
  }

  private boolean indexRowExists(IndexFile f) {
    return await(fx.support.pool.preparedQuery(
        "SELECT count(*) FROM ingest.index_files WHERE span_id = $1 AND period_start = $2")
        .execute(Tuple.of(f.spanId(), f.periodStart().atOffset(ZoneOffset.UTC)))).iterator().next().getLong(0) == 1;
  }
}
