package io.ipchls.ingest.control;

import io.ipchls.ingest.shared.Ids;
import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.ingest.shared.ObjectStore;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.kit.jobs.PeriodicJob;
import io.ipchls.protocol.RecordingEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recording-control job, every {@code controlIntervalSeconds} on every instance
 * ({@link PeriodicJob#onEveryInstance}, no lock): it writes
 * {@code recording.started} / {@code recording.stopped} events as recordings begin and end, and the index files of
 * task periods that are over ({@link IndexFileJob}). Every instance may run it at once: each step claims its rows in
 * the database (an INSERT ... ON CONFLICT DO NOTHING, an UPDATE of rows not yet marked, a row lock taken with SKIP
 * LOCKED) in the transaction that writes the events, so an event is written once in the cluster and a crash
 * anywhere leaves the work to the next run.
 */
public final class RecordingControlVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RecordingControlVerticle.class);
  /** Recordings newer than the newest announced one minus this many ids are checked for a missing start. */
  static final int START_WINDOW_IDS = 10_000;
  static final String STARTED = """
      WITH fresh AS (
        SELECT r.recording_id, r.camera_id, r.start_at, r.end_at, r.segment_count, r.bytes, r.created_at
        FROM ingest.recordings r
        WHERE r.recording_id > (SELECT coalesce(max(recording_id), 0) FROM ingest.recording_marks) - $1::int
          AND NOT EXISTS (SELECT 1 FROM ingest.recording_marks m WHERE m.recording_id = r.recording_id)
        ORDER BY r.recording_id LIMIT 500),
      claimed AS (
        INSERT INTO ingest.recording_marks (recording_id, camera_id)
        SELECT recording_id, camera_id FROM fresh ON CONFLICT DO NOTHING RETURNING recording_id)
      SELECT f.*, s.task_id, s.template_id FROM fresh f JOIN claimed USING (recording_id)
      LEFT JOIN LATERAL (SELECT task_id, template_id FROM ingest.task_spans s
                         WHERE s.camera_id = f.camera_id AND (s.stopped_at IS NULL OR s.stopped_at >= f.created_at)
                         ORDER BY s.span_id DESC LIMIT 1) s ON true""";
  /** A recording announced as stopped that grew again soon after (the camera came back within the gap). */
  static final String RESUMED = """
      WITH grown AS (
        UPDATE ingest.recording_marks m SET stopped_end = NULL, marked_at = now()
        FROM ingest.recordings r
        WHERE r.recording_id = m.recording_id AND m.stopped_end IS NOT NULL
          AND m.marked_at > now() - interval '1 hour' AND r.end_at > m.stopped_end
        RETURNING r.recording_id, r.camera_id, r.start_at, r.end_at, r.segment_count, r.bytes, r.created_at)
      SELECT g.*, s.task_id, s.template_id FROM grown g
      LEFT JOIN LATERAL (SELECT task_id, template_id FROM ingest.task_spans s
                         WHERE s.camera_id = g.camera_id AND (s.stopped_at IS NULL OR s.stopped_at >= g.created_at)
                         ORDER BY s.span_id DESC LIMIT 1) s ON true""";
  /**
   * Open recordings that ended: no segment joined for the gap of the {@link RecordingGapRule} ({@code $1}, server
   * time), or the camera already has a later recording (its own clock moved past the gap): reason gap; or the camera's newest task span is stopped and no
   * segment came for the settle time after the stop: reason task_stopped. Events name the task of the camera when
   * the recording began (server time, so a camera clock that runs ahead does not lose it).
   */
  static final String STOPPED = """
      WITH due AS (
        SELECT m.recording_id, r.camera_id, r.start_at, r.end_at, r.segment_count, r.bytes,
               CASE WHEN s.stopped_at IS NULL OR s.stopped_at >= r.created_at THEN s.task_id END AS task_id,
               CASE WHEN s.stopped_at IS NULL OR s.stopped_at >= r.created_at THEN s.template_id END AS template_id,
               g.gap
        FROM ingest.recording_marks m
        JOIN ingest.recordings r ON r.recording_id = m.recording_id
        LEFT JOIN LATERAL (SELECT task_id, template_id, stopped_at FROM ingest.task_spans s
                           WHERE s.camera_id = r.camera_id ORDER BY s.span_id DESC LIMIT 1) s ON true
        CROSS JOIN LATERAL (SELECT r.updated_at < now() - $1::int * interval '1 second'
               OR EXISTS (SELECT 1 FROM ingest.recordings l WHERE l.camera_id = r.camera_id AND l.start_at > r.end_at)
               AS gap) g
        WHERE m.stopped_end IS NULL
          AND (g.gap OR (s.stopped_at IS NOT NULL
                         AND greatest(s.stopped_at, r.updated_at) < now() - $2::int * interval '1 second'))
        ORDER BY m.recording_id LIMIT 500
        FOR UPDATE OF m SKIP LOCKED)
      UPDATE ingest.recording_marks m SET stopped_end = d.end_at, marked_at = now()
      FROM due d WHERE m.recording_id = d.recording_id AND m.stopped_end IS NULL
      RETURNING d.*""";
  /** Marks of open recordings that no longer exist (merged into another, or expired). */
  static final String FORGET = """
      DELETE FROM ingest.recording_marks m WHERE m.stopped_end IS NULL
        AND NOT EXISTS (SELECT 1 FROM ingest.recordings r WHERE r.recording_id = m.recording_id)""";

  private final ControlConfig config;
  private final IngestPools pools;
  private final EventOutbox outbox;
  private final ReplayUrls replay;
  private final MeterRegistry registry;
  private Pool pool;
  private ObjectStore store;
  private IndexFileJob indexJob;
  private PeriodicJob<Void> job;

  public RecordingControlVerticle(ControlConfig config, IngestPools pools, MeterRegistry registry) {
    this.config = config;
    this.pools = pools;
    this.registry = registry;
    this.outbox = new EventOutbox(registry);
    this.replay = new ReplayUrls(config.playlistBaseUrl());
  }

  @Override
  public Future<?> start() {
    pool = pools.open(vertx, "recording-control", 2);
    if (config.indexFilesEnabled()) {
      store = new ObjectStore(config.s3());
      indexJob = new IndexFileJob(vertx, pool, store, outbox, config.settleSeconds(), registry);
    } else {
      LOG.warn("no s3.accessKeyId/secretAccessKey configured: index files are OFF");
    }
    // no lock: each step claims its rows in the database, so instances never write the same event
    job = PeriodicJob.onEveryInstance(vertx, "recording-control run", config.intervalMs(), this::runOnce)
        .start(config.intervalMs());
    return Future.succeededFuture();
  }

  /** One run: events for started, resumed and stopped recordings, then due index files. */
  public Future<Void> runOnce() {
    return pool.query(FORGET).execute()
        .compose(v -> announce(STARTED, Tuple.of(START_WINDOW_IDS), RecordingEvent.RECORDING_STARTED))
        .compose(v -> announce(RESUMED, Tuple.tuple(), RecordingEvent.RECORDING_STARTED))
        .compose(v -> announce(STOPPED, Tuple.of(config.gapRule().gapSeconds(), config.settleSeconds()),
            RecordingEvent.RECORDING_STOPPED))
        .compose(v -> indexJob == null ? Future.succeededFuture() : indexJob.run());
  }

  private Future<Void> announce(String sql, Tuple args, String type) {
    return pool.withTransaction(tx -> tx.preparedQuery(sql).execute(args).compose(rows -> {
      List<RecordingEvent> events = new ArrayList<>();
      for (Row r : rows) events.add(event(type, r));
      return outbox.write(tx, events);
    }));
  }

  private RecordingEvent event(String type, Row r) {
    Instant start = r.getOffsetDateTime("start_at").toInstant();
    Instant end = r.getOffsetDateTime("end_at").toInstant();
    String camera = r.getString("camera_id");
    String reason = null;
    if (type.equals(RecordingEvent.RECORDING_STOPPED)) {
      reason = r.getBoolean("gap") ? RecordingEvent.REASON_GAP : RecordingEvent.REASON_TASK_STOPPED;
    }
    long time = (type.equals(RecordingEvent.RECORDING_STARTED) ? start : end).toEpochMilli();
    return RecordingEvent.recording(Ids.next("evt_"), type, camera, r.getString("task_id"),
        r.getString("template_id"), time, r.getLong("recording_id"), start.toEpochMilli(), end.toEpochMilli(),
        r.getLong("bytes"), r.getInteger("segment_count"), replay.of(camera, start, end), reason);
  }

  @Override
  public Future<?> stop() {
    // the round in progress ends before what it uses closes (PeriodicJob#stop)
    Future<Void> roundEnded = job == null ? Future.succeededFuture() : job.stop();
    return roundEnded.eventually(() -> {
      if (store != null) store.close();
      return pool == null ? Future.succeededFuture() : pool.close();
    });
  }
}
