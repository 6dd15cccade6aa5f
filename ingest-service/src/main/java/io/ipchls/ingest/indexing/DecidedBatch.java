package io.ipchls.ingest.indexing;

import io.ipchls.ingest.shared.RecordingGapRule;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A batch's common case, decided in ingest from what {@code ingest.lock_and_read_cameras} read under the cameras'
 * locks (V46__indexing_decided_by_ingest.sql): for a camera whose new segments all start after its newest indexed one
 * and form one run by the {@link RecordingGapRule}, the same numbers, marks, counters, metering and recording that
 * {@code ingest.index_and_meter_segments} (V45) gives them, so that PostgreSQL only stores them. Every other camera's
 * rows are left {@link #others() to that function}, unchanged.
 *
 * <p>The rules, as V45 writes them:
 * <ul>
 *   <li>a segment that starts after the camera's newest indexed one is new without a probe, and its
 *       predecessor is that newest one when it starts within the longest segment plus the continuity tolerance
 *       before it, else none;
 *   <li>a media change is a media description (container, init segment, codec, width, height) different from the
 *       predecessor's, and marks the segment as a restart does ({@link MediaDescription});
 *   <li>live numbers by {@link LiveNumbering}: the next media sequence number each, in start order, and a
 *       discontinuity where a segment is marked or starts further than the tolerance from the previous one's end;
 *   <li>metering: one object and one PUT per segment, one more object for its thumbnail;
 *   <li>the recording: the camera's new segments form one run (none starts more than the gap after the ends before
 *       it) that starts inside its latest recording or within the gap after its end (it grows), or more than the gap
 *       after it (a new one).
 * </ul>
 */
final class DecidedBatch {
  /** What {@code lock_and_read_cameras} returned for a camera; times in microseconds since the epoch. */
  record CameraState(Long newestStart, String newestKey, String newestMedia, Long nextMediaSeq,
      Long lastDiscontinuitySeq, Long lastStart, Integer lastDurationMs, Long edgeStart, Long recordingId,
      Long recordingStart, Long recordingEnd) {
    static CameraState from(Row r) {
      return new CameraState(micros(r.getOffsetDateTime("newest_start")), r.getString("newest_key"),
          r.getString("newest_media"), r.getLong("next_media_seq"), r.getLong("last_discontinuity_seq"),
          micros(r.getOffsetDateTime("last_start")), r.getInteger("last_duration_ms"),
          micros(r.getOffsetDateTime("edge_start")), r.getLong("recording_id"),
          micros(r.getOffsetDateTime("recording_start")), micros(r.getOffsetDateTime("recording_end")));
    }
  }

  /** A new segment with its live numbers and whether its media changed. */
  record Numbered(SegmentRow row, long mediaSeq, long discontinuitySeq, boolean mediaChange) {
    /** As {@code segments_v1.discontinuity} reads it: a restart, a clock step or a media change. */
    boolean mark() {
      return row.discontinuity() || row.clockJump() || mediaChange;
    }
  }

  /**
   * What a camera's counters row and recording become: its last segment's numbers and media, the batch's metering,
   * and its recording grown ({@code recordingId} set) or started (null), with the run's span and count (its bytes
   * are the metered {@code bytes}).
   */
  record CameraOutcome(String camera, Numbered last, String lastMedia, long objects, long bytes, Long recordingId,
      long runStart, long runEnd, int runCount) {}

  private final List<Numbered> rows;
  private final List<CameraOutcome> cameras;
  private final List<SegmentRow> others;

  private DecidedBatch(List<Numbered> rows, List<CameraOutcome> cameras, List<SegmentRow> others) {
    this.rows = rows;
    this.cameras = cameras;
    this.others = others;
  }

  /** The decided cameras' new segments, each camera's in start (then key) order. */
  List<Numbered> rows() {
    return rows;
  }

  List<CameraOutcome> cameras() {
    return cameras;
  }

  /** The rows of every camera not decided here, as they came. */
  List<SegmentRow> others() {
    return others;
  }

  /**
   * Decides what it can of {@code batch}.
   *
   * @param states per camera of the batch, what {@code lock_and_read_cameras} read
   */
  static DecidedBatch decide(List<SegmentRow> batch, Map<String, CameraState> states, RecordingGapRule gapRule) {
    Map<String, List<SegmentRow>> byCamera = new LinkedHashMap<>();
    for (SegmentRow r : batch) byCamera.computeIfAbsent(r.cameraId(), c -> new ArrayList<>()).add(r);
    List<Numbered> rows = new ArrayList<>(batch.size());
    List<CameraOutcome> cameras = new ArrayList<>(byCamera.size());
    List<SegmentRow> others = new ArrayList<>();
    for (var e : byCamera.entrySet()) {
      int before = rows.size();
      CameraOutcome outcome = decide(e.getKey(), e.getValue(), states.get(e.getKey()), gapRule.gapMs() * 1000L, rows);
      if (outcome == null) {
        rows.subList(before, rows.size()).clear();
        others.addAll(e.getValue());
      } else {
        cameras.add(outcome);
      }
    }
    return new DecidedBatch(List.copyOf(rows), List.copyOf(cameras), List.copyOf(others));
  }

  /** One camera's rows, numbered into {@code out}; null when they are not the common case. */
  private static CameraOutcome decide(String camera, List<SegmentRow> batch, CameraState q, long gap,
      List<Numbered> out) {
    if (q == null || q.newestStart() == null || q.newestKey() == null || q.nextMediaSeq() == null
        || q.lastDiscontinuitySeq() == null) {
      return null;
    }
    // each (start, key) once, in start then key order (the first of duplicates, as any is the same segment)
    Set<String> seen = new HashSet<>();
    List<SegmentRow> news = new ArrayList<>(batch.size());
    for (SegmentRow r : batch) if (seen.add(micros(r.startAt()) + "/" + r.objectKey())) news.add(r);
    news.sort(Comparator.<SegmentRow>comparingLong(r -> micros(r.startAt()))
        .thenComparing(SegmentRow::objectKey, DecidedBatch::compareBytes));
    SegmentRow first = news.get(0);
    long firstStart = micros(first.startAt());
    // strictly after the newest start: a segment with the same start is probed, and its predecessor looked up, by V45
    if (firstStart <= q.newestStart()) return null;
    if (q.lastStart() != null && q.lastDurationMs() == null) return null;
    if (q.edgeStart() != null && firstStart < q.edgeStart() - LiveNumbering.LATE_JOIN_MS * 1000L) return null;

    // one run by the gap rule, and where it goes
    long runEnd = Long.MIN_VALUE;
    long runBytes = 0;
    for (SegmentRow r : news) {
      long s = micros(r.startAt());
      if (runEnd != Long.MIN_VALUE && s > runEnd + gap) return null;
      runEnd = Math.max(runEnd, s + r.durationMs() * 1000L);
      runBytes += r.bytes();
    }
    Long recording = q.recordingId();
    if (recording != null) {
      if (firstStart < q.recordingStart()) return null;
      if (firstStart > q.recordingEnd() + gap) recording = null; // a new recording
    }

    // live numbers and marks
    long near = (60_000L + LiveNumbering.TOLERANCE_MS) * 1000L;
    String previousMedia = q.newestStart() >= firstStart - near ? q.newestMedia() : null;
    Long previousStart = q.lastStart();
    Integer previousDuration = q.lastDurationMs();
    long disc = q.lastDiscontinuitySeq();
    long objects = 0;
    Numbered last = null;
    String lastMedia = null;
    for (int i = 0; i < news.size(); i++) {
      SegmentRow r = news.get(i);
      long s = micros(r.startAt());
      String media = MediaDescription.of(r);
      boolean mediaChange = previousMedia != null && !previousMedia.equals(media);
      boolean marked = r.discontinuity() || r.clockJump() || mediaChange;
      if (previousStart != null && (marked || Math.abs(s - (previousStart + previousDuration * 1000L))
          > LiveNumbering.TOLERANCE_MS * 1000L)) {
        disc++;
      }
      last = new Numbered(r, q.nextMediaSeq() + i, disc, mediaChange);
      out.add(last);
      lastMedia = media;
      previousMedia = media;
      previousStart = s;
      previousDuration = r.durationMs();
      objects += 1 + (r.thumbnailKey() != null ? 1 : 0);
    }
    return new CameraOutcome(camera, last, lastMedia, objects, runBytes, recording, firstStart, runEnd, news.size());
  }

  /**
   * The state {@link SegmentRepository#STORE_DECIDED} leaves a camera in when it stores {@code outcome}, decided from
   * {@code before}, as {@code lock_and_read_cameras} would read it next: the counters moved to its last segment (the
   * edge to the latest start), and its recording {@code recordingId} grown or started.
   */
  static CameraState after(CameraState before, CameraOutcome outcome, long recordingId) {
    long last = micros(outcome.last().row().startAt());
    long edge = before.edgeStart() == null ? last : Math.max(before.edgeStart(), last);
    boolean grown = outcome.recordingId() != null;
    return new CameraState(last, outcome.last().row().objectKey(), outcome.lastMedia(),
        outcome.last().mediaSeq() + 1, outcome.last().discontinuitySeq(), last, outcome.last().row().durationMs(),
        edge, recordingId, grown ? before.recordingStart() : outcome.runStart(),
        grown ? Math.max(before.recordingEnd(), outcome.runEnd()) : outcome.runEnd());
  }

  /** Microseconds since the epoch, as PostgreSQL keeps a {@code timestamptz} sent by the client. */
  static Long micros(OffsetDateTime t) {
    return t == null ? null : ChronoUnit.MICROS.between(Instant.EPOCH, t.toInstant());
  }

  static OffsetDateTime time(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  /** Texts in the order of the database's C collation: their UTF-8 bytes, unsigned. */
  static int compareBytes(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A segment's media description as V34 and V45 compare it ({@code format('%s|%s|%s|%s|%s', container, init, codec,
   * width, height)}, an absent value empty, an absent container {@code ts}).
   */
  static final class MediaDescription {
    private MediaDescription() {}

    static String of(SegmentRow r) {
      return (r.container() == null ? "ts" : r.container()) + "|" + text(r.initKey()) + "|" + text(r.codec()) + "|"
          + text(r.width()) + "|" + text(r.height());
    }

    private static String text(Object o) {
      return o == null ? "" : o.toString();
    }
  }
}
