package io.ipchls.ingest.control;

import io.ipchls.ingest.shared.Ids;
import io.ipchls.ingest.shared.ObjectStore;
import io.ipchls.protocol.RecordingEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the index files of task spans, period by period. Periods are aligned to multiples of the template's
 * {@code indexPeriodSeconds} since the epoch (UTC) and clipped to the span, so an hour's index covers the wall-clock
 * hour. A window is due {@code segmentSeconds + settleSeconds} after its period ends, or {@code settleSeconds} after
 * the span stopped (the last segment is cut at the stop). Each window is one transaction that locks its span row
 * (SKIP LOCKED: another instance on it means skip), PUTs the file, records it in {@code ingest.index_files}, writes
 * {@code index.ready} and moves the span's {@code indexed_until}; a window without segments only moves it. So a file
 * is recorded once, a crash before the commit only rewrites the same bytes, and after downtime the job catches up
 * window by window (at most {@value #MAX_WINDOWS_PER_RUN} per run).
 */
final class IndexFileJob {
  static final int MAX_WINDOWS_PER_RUN = 200;
  static final String DUE = """
      SELECT span_id FROM ingest.task_spans
      WHERE (stopped_at IS NULL OR indexed_until < stopped_at)
        AND least(coalesce(stopped_at, 'infinity'),
                  timestamptz 'epoch' + (floor(extract(epoch FROM indexed_until) / index_period_seconds) + 1)
                                        * index_period_seconds * interval '1 second')
            + CASE WHEN stopped_at IS NOT NULL
                        AND stopped_at <= timestamptz 'epoch' + (floor(extract(epoch FROM indexed_until)
                            / index_period_seconds) + 1) * index_period_seconds * interval '1 second'
                   THEN 0 ELSE segment_seconds END * interval '1 second'
            + $1::int * interval '1 second' <= now()
      ORDER BY span_id LIMIT $2""";
  static final String LOCK = """
      SELECT span_id, task_id, camera_id, template_id, index_period_seconds, key_prefix, stopped_at, indexed_until
      FROM ingest.task_spans WHERE span_id = $1 FOR UPDATE SKIP LOCKED""";
  static final String SEGMENTS = """
      SELECT object_key, start_at, duration_ms, bytes, discontinuity OR clock_jump AS restart FROM ingest.segments
      WHERE camera_id = $1 AND start_at >= $2 AND start_at < $3 ORDER BY start_at, object_key""";
  static final String RECORD = """
      INSERT INTO ingest.index_files (span_id, period_start, period_end, task_id, camera_id, object_key,
                                      segment_count, duration_ms, bytes)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING""";
  static final String ADVANCE = "UPDATE ingest.task_spans SET indexed_until = $2 WHERE span_id = $1";

  private final Vertx vertx;
  private final Pool pool;
  private final ObjectStore store;
  private final EventOutbox outbox;
  private final int settleSeconds;
  private final Counter written;

  IndexFileJob(Vertx vertx, Pool pool, ObjectStore store, EventOutbox outbox, int settleSeconds,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
    this.outbox = outbox;
    this.settleSeconds = settleSeconds;
    this.written = Counter.builder("index.files.written").description("index files written to the bucket")
        .register(registry);
  }

  /** Due windows, one after the other, until none is due or the per-run budget is spent. */
  Future<Void> run() {
    return run(MAX_WINDOWS_PER_RUN);
  }

  private Future<Void> run(int budget) {
    if (budget <= 0) return Future.succeededFuture();
    return pool.preparedQuery(DUE).execute(Tuple.of(settleSeconds, Math.min(budget, 50))).compose(rows -> {
      if (rows.size() == 0) return Future.succeededFuture();
      List<Long> spans = new ArrayList<>();
      rows.forEach(r -> spans.add(r.getLong(0)));
      Future<Integer> done = Future.succeededFuture(0);
      for (long span : spans) done = done.compose(n -> window(span).map(did -> n + (did ? 1 : 0)));
      return done.compose(n -> n == 0 ? Future.succeededFuture() : run(budget - n));
    });
  }

  /** Indexes the span's next window if it is still due and no other instance holds it; true if it moved on. */
  private Future<Boolean> window(long spanId) {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of(spanId)).compose(rows -> {
      if (rows.size() == 0) return Future.succeededFuture(false);
      Row span = rows.iterator().next();
      OffsetDateTime from = span.getOffsetDateTime("indexed_until");
      OffsetDateTime stopped = span.getOffsetDateTime("stopped_at");
      if (stopped != null && !from.isBefore(stopped)) return Future.succeededFuture(false); // done meanwhile
      long period = span.getInteger("index_period_seconds");
      long periodEnd = (Math.floorDiv(from.toEpochSecond(), period) + 1) * period;
      OffsetDateTime to = OffsetDateTime.ofInstant(Instant.ofEpochSecond(periodEnd), ZoneOffset.UTC);
      if (stopped != null && stopped.isBefore(to)) to = stopped;
      OffsetDateTime windowEnd = to;
      return tx.preparedQuery(SEGMENTS).execute(Tuple.of(span.getString("camera_id"), from, windowEnd))
          .compose(segs -> writeFile(tx, span, from, windowEnd, segs))
          .compose(v -> tx.preparedQuery(ADVANCE).execute(Tuple.of(spanId, windowEnd)))
          .map(true);
    }));
  }

  private Future<Void> writeFile(SqlConnection tx, Row span, OffsetDateTime from, OffsetDateTime to,
      Iterable<Row> segs) {
    List<IndexFiles.Entry> entries = new ArrayList<>();
    long bytes = 0;
    long media = 0;
    for (Row s : segs) {
      IndexFiles.Entry e = new IndexFiles.Entry(s.getString("object_key"), s.getOffsetDateTime("start_at").toInstant(),
          s.getInteger("duration_ms"), s.getLong("bytes"), s.getBoolean("restart"));
      entries.add(e);
      bytes += e.bytes();
      media += e.durationMs();
    }
    if (entries.isEmpty()) return Future.succeededFuture();
    String key = IndexFiles.key(span.getString("key_prefix"), from.toInstant());
    byte[] body = IndexFiles.render(key, entries).getBytes(StandardCharsets.UTF_8);
    long totalBytes = bytes;
    long mediaMs = media;
    String camera = span.getString("camera_id");
    String task = span.getString("task_id");
    RecordingEvent ready = RecordingEvent.indexReady(Ids.next("evt_"), camera, task, span.getString("template_id"),
        System.currentTimeMillis(), store.bucket(), key, from.toInstant().toEpochMilli(),
        to.toInstant().toEpochMilli(), entries.size(), mediaMs, totalBytes);
    return vertx.executeBlocking(() -> {
      store.put(key, body, "application/vnd.apple.mpegurl");
      return null;
    }, false)
        .compose(v -> tx.preparedQuery(RECORD).execute(Tuple.of(span.getLong("span_id"), from, to, task, camera, key,
            entries.size(), mediaMs).addValue(totalBytes)))
        .compose(v -> outbox.write(tx, List.of(ready)))
        .onSuccess(v -> written.increment());
  }
}
