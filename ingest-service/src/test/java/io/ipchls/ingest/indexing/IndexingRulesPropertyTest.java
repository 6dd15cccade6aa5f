package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Random traffic against the rules, on the real database: for several seeds, a few cameras' segments (mostly in
 * order, with jitter, gaps around the recording gap, restart marks and clock steps) are delivered in batches that
 * mix the cameras, with some segments a little late (they join live at the end), some very late (backfills that can
 * merge recordings), and duplicates. After every batch, the results {@code index_segments} returns (the
 * SegmentsIndexed entries) must be exactly the segments a model of the rules says are new, with the model's live
 * numbers; at the end, every row's stored numbers, the cameras' counters and their recordings must be the model's.
 * The model is written here from the rules' statements ({@link LiveNumbering}, {@link RecordingGapRule}), not from
 * the SQL.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IndexingRulesPropertyTest {
  private static final OffsetDateTime T0 =
      Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC);
  private static final long GAP_MS = RecordingGapRule.DEFAULT.gapMs();
  private static IngestTestSupport support;
  private static SegmentRepository segments;

  @BeforeAll
  static void migrate(Vertx vertx) {
    support = new IngestTestSupport(vertx).migrate();
    segments = new SegmentRepository(support.pool, RecordingGapRule.DEFAULT);
  }

  @Test
  void randomMixOfInOrderLateDuplicateAndBackfilledSegments_followsTheRules() {
    for (long seed = 1; seed <= 6; seed++) runSeed(seed);
  }

  /** One camera's live counters, as the rule keeps them. */
  private static final class Live {
    long next;
    long lastDisc;
    Long lastStart;
    int lastDuration;
    Long edge;
  }

  /** A segment as the model knows it: start offset from T0, duration, mark, and its numbers once indexed. */
  private record Seg(String camera, long startMs, int durationMs, boolean restart, boolean clockJump, long seq) {
    SegmentRow row() {
      OffsetDateTime start = T0.plus(startMs, ChronoUnit.MILLIS);
      return new SegmentRow(camera, start, durationMs, ObjectKeys.segmentKey(camera, start.toInstant(), seq),
          /* bytes= */ 1000 + seq, null, seq, "avc1.42e01e", /* width= */ 640, /* height= */ 360, start,
          clockJump, restart);
    }

    String key() {
      return camera + "@" + startMs;
    }
  }

  private record Numbers(Long media, Long disc) {}

  private void runSeed(long seed) {
    Random rnd = new Random(seed);
    List<String> cameras = new ArrayList<>();
    for (int c = 0; c < 3; c++) cameras.add(cameraId("prop-" + seed + "-" + c));

    // each camera's timeline: starts strictly increasing, so (start, key) order is start order
    List<Seg> produced = new ArrayList<>();
    for (String cam : cameras) {
      long t = rnd.nextInt(10_000);
      long seq = 1;
      for (int i = 0; i < 70; i++) {
        int duration = 2_000 + rnd.nextInt(2_000);
        boolean restart = rnd.nextInt(15) == 0;
        boolean jump = rnd.nextInt(40) == 0;
        produced.add(new Seg(cam, t, duration, restart, jump, seq++));
        int step = rnd.nextInt(20);
        long gap = step == 0 ? GAP_MS + 1 + rnd.nextInt(60_000) // a new recording
            : step == 1 ? GAP_MS - rnd.nextInt(2) // exactly at (or just under) the gap: the same recording
            : step == 2 ? 1_000 + rnd.nextInt(2_000) // a discontinuity by time, same recording
            : rnd.nextInt(900); // continuous within the tolerance
        t += duration + gap;
      }
    }
    // delivery: cameras interleaved in time order, some segments held back a little or a lot, some sent twice
    produced.sort(Comparator.comparingLong(Seg::startMs));
    List<Seg> delivery = new ArrayList<>();
    List<Seg> heldBack = new ArrayList<>();
    for (Seg s : produced) {
      int what = rnd.nextInt(12);
      if (what == 0) {
        heldBack.add(s); // delivered much later: usually a backfill
      } else if (what == 1 && !delivery.isEmpty()) {
        delivery.add(Math.max(0, delivery.size() - 1 - rnd.nextInt(4)), s); // a little early in the list
        delivery.add(s); // and redelivered at its place
      } else if (what == 2) {
        delivery.add(s);
        delivery.add(delivery.get(rnd.nextInt(delivery.size()))); // a duplicate of something already sent
      } else {
        delivery.add(s);
      }
      if (rnd.nextInt(25) == 0 && !heldBack.isEmpty()) delivery.add(heldBack.remove(rnd.nextInt(heldBack.size())));
    }
    delivery.addAll(heldBack);

    Map<String, Live> live = new HashMap<>();
    Map<String, Seg> indexed = new LinkedHashMap<>();
    Map<String, Numbers> numbers = new HashMap<>();
    int at = 0;
    while (at < delivery.size()) {
      int size = 1 + rnd.nextInt(12);
      List<Seg> batch = delivery.subList(at, Math.min(delivery.size(), at + size));
      at += batch.size();
      List<SegmentsIndexed.Entry> got =
          await(segments.insertAndApplyGapRule(batch.stream().map(Seg::row).toList())).segments();

      // the model: the batch's segments not indexed yet, each once, numbered per camera in start order
      TreeMap<String, List<Seg>> fresh = new TreeMap<>();
      Map<String, Seg> seen = new LinkedHashMap<>();
      for (Seg s : batch) if (!indexed.containsKey(s.key())) seen.putIfAbsent(s.key(), s);
      for (Seg s : seen.values()) fresh.computeIfAbsent(s.camera(), c -> new ArrayList<>()).add(s);
      // per camera (the results come by camera; which camera first is the database's collation, not a rule)
      Map<String, List<String>> expected = new TreeMap<>();
      for (var e : fresh.entrySet()) {
        Live q = live.computeIfAbsent(e.getKey(), c -> new Live());
        List<Seg> ordered = new ArrayList<>(e.getValue());
        ordered.sort(Comparator.comparingLong(Seg::startMs));
        List<String> numbered = new ArrayList<>();
        List<String> backfills = new ArrayList<>();
        for (Seg s : ordered) {
          indexed.put(s.key(), s);
          if (q.edge != null && s.startMs() < q.edge - LiveNumbering.LATE_JOIN_MS) {
            numbers.put(s.key(), new Numbers(null, null));
            backfills.add(describe(s, null, null));
            continue;
          }
          boolean brk = q.lastStart != null && (s.restart() || s.clockJump()
              || Math.abs(s.startMs() - (q.lastStart + q.lastDuration)) > LiveNumbering.TOLERANCE_MS);
          long media = q.next++;
          q.lastDisc += brk ? 1 : 0;
          q.lastStart = s.startMs();
          q.lastDuration = s.durationMs();
          q.edge = q.edge == null ? s.startMs() : Math.max(q.edge, s.startMs());
          numbers.put(s.key(), new Numbers(media, q.lastDisc));
          numbered.add(describe(s, media, q.lastDisc));
        }
        // the results' order: by camera, backfills (no number) first, then by number
        List<String> all = new ArrayList<>(backfills);
        all.addAll(numbered);
        expected.put(e.getKey(), all);
      }
      Map<String, List<String>> actual = new TreeMap<>();
      for (SegmentsIndexed.Entry e : got) {
        long startMs = e.start() - T0.toInstant().toEpochMilli();
        Seg s = indexed.get(e.cameraId() + "@" + startMs);
        actual.computeIfAbsent(e.cameraId(), c -> new ArrayList<>())
            .add(s == null ? "unexpected " + e : describe(s, e.mediaSequence(), e.discontinuitySequence()));
      }
      assertEquals(expected, actual, "seed " + seed + ", batch ending at delivery " + at);
    }

    for (String cam : cameras) {
      // every row's stored numbers
      Map<Long, Numbers> stored = new TreeMap<>();
      for (Row r : await(support.pool.preparedQuery("""
          SELECT start_at, media_seq, discontinuity_seq FROM ingest.segments_v1 WHERE camera_id = $1""")
          .execute(Tuple.of(cam)))) {
        stored.put(r.getOffsetDateTime(0).toInstant().toEpochMilli() - T0.toInstant().toEpochMilli(),
            new Numbers(r.getLong(1), r.getLong(2)));
      }
      Map<Long, Numbers> modelled = new TreeMap<>();
      for (Seg s : indexed.values()) if (s.camera().equals(cam)) modelled.put(s.startMs(), numbers.get(s.key()));
      assertEquals(modelled, stored, "seed " + seed + ": stored numbers of " + cam);

      Live q = live.get(cam);
      Row counters = await(support.pool.preparedQuery("""
          SELECT next_media_seq, last_discontinuity_seq FROM ingest.live_sequence_v1 WHERE camera_id = $1""")
          .execute(Tuple.of(cam))).iterator().next();
      assertEquals(List.of(q.next, q.lastDisc), List.of(counters.getLong(0), counters.getLong(1)),
          "seed " + seed + ": counters of " + cam);

      // recordings: the camera's segments split wherever one starts more than the gap after all before it ended
      List<Seg> mine = indexed.values().stream().filter(s -> s.camera().equals(cam))
          .sorted(Comparator.comparingLong(Seg::startMs)).toList();
      List<String> islands = new ArrayList<>();
      long start = 0;
      long end = Long.MIN_VALUE;
      int count = 0;
      long bytes = 0;
      for (Seg s : mine) {
        if (count > 0 && s.startMs() > end + GAP_MS) {
          islands.add(start + ".." + end + " x" + count + " " + bytes + " B");
          count = 0;
          bytes = 0;
        }
        if (count == 0) {
          start = s.startMs();
          end = Long.MIN_VALUE;
        }
        end = Math.max(end, s.startMs() + s.durationMs());
        count++;
        bytes += 1000 + s.seq();
      }
      if (count > 0) islands.add(start + ".." + end + " x" + count + " " + bytes + " B");
      List<String> recordings = new ArrayList<>();
      for (Row r : await(support.pool.preparedQuery("""
          SELECT start_at, end_at, segment_count, bytes FROM ingest.recordings_v1 WHERE camera_id = $1
          ORDER BY start_at""").execute(Tuple.of(cam)))) {
        long t0 = T0.toInstant().toEpochMilli();
        recordings.add((r.getOffsetDateTime(0).toInstant().toEpochMilli() - t0) + ".."
            + (r.getOffsetDateTime(1).toInstant().toEpochMilli() - t0) + " x" + r.getInteger(2) + " "
            + r.getLong(3) + " B");
      }
      assertEquals(islands, recordings, "seed " + seed + ": recordings of " + cam);
    }
  }

  private static String describe(Seg s, Long media, Long disc) {
    return s.camera() + " @" + s.startMs() + " #" + media + " d" + disc;
  }
}
