package io.ipchls.playlist.db;

import io.ipchls.kit.registry.CameraRegistryReader.RegisteredCamera;
import io.ipchls.kit.registry.CameraRegistryReader;
import io.ipchls.protocol.SegmentDuration;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads ingest's segment index and recordings through the read views ingest-service owns and migrates
 * ({@code ingest.segments_v1}, {@code ingest.recordings_v1}; never its tables), and the camera registry through its
 * one reader ({@link CameraRegistryReader}). Read-only.
 */
public final class SegmentRepository {
  /** The schema CHECKs durations ≤ 60 s, so a segment overlapping an instant started at most this long before it. */
  public static final long MAX_SEGMENT_MS = SegmentDuration.MAX_MS;

  /**
   * The camera's newest $2 live segments numbered $3 or later, newest first: the numbers ingest gave them when it
   * indexed them (V31__live_sequence.sql; a backfill has none).
   */
  static final String LIVE_NEWEST = """
      SELECT camera_id, start_at, duration_ms, object_key, discontinuity, media_seq, discontinuity_seq, init_key
      FROM ingest.segments_v1
      WHERE camera_id = $1 AND media_seq >= $3
      ORDER BY media_seq DESC
      LIMIT $2""";

  /**
   * The camera's live counters: its next live segment's number and its last one's discontinuity number; and the
   * segment length it last announced it is configured for (V38__live_target_and_clip_exports.sql; null: it never said).
   */
  static final String LIVE_COUNTERS = """
      SELECT next_media_seq, last_discontinuity_seq, target_seconds FROM ingest.live_sequence_v1
      WHERE camera_id = $1""";

  static final String OVERLAPPING = """
      SELECT camera_id, start_at, duration_ms, object_key, discontinuity, init_key FROM ingest.segments_v1
      WHERE camera_id = $1 AND start_at >= $2 AND start_at < $3
        AND start_at + duration_ms * interval '1 millisecond' > $4
      ORDER BY start_at, object_key""";

  /** As {@link #OVERLAPPING}, the segments whose camera announced where their key frame lies, with that range. */
  static final String I_FRAMES = """
      SELECT camera_id, start_at, duration_ms, object_key, discontinuity, init_key, key_frame_offset, key_frame_length
      FROM ingest.segments_v1
      WHERE camera_id = $1 AND start_at >= $2 AND start_at < $3
        AND start_at + duration_ms * interval '1 millisecond' > $4 AND key_frame_offset IS NOT NULL
      ORDER BY start_at, object_key""";

  /**
   * The thumbnails of camera $1 nearest $2 within $3 ms: the newest starting at or before $2 and the oldest after it
   * (two index scans of V37's partial index); the caller picks the nearer.
   */
  static final String THUMBNAILS_AROUND = """
      (SELECT start_at, duration_ms, thumbnail_key FROM ingest.segments_v1
       WHERE camera_id = $1 AND thumbnail_key IS NOT NULL AND start_at <= $2
         AND start_at >= $2 - $3 * interval '1 millisecond'
       ORDER BY start_at DESC LIMIT 1)
      UNION ALL
      (SELECT start_at, duration_ms, thumbnail_key FROM ingest.segments_v1
       WHERE camera_id = $1 AND thumbnail_key IS NOT NULL AND start_at > $2
         AND start_at <= $2 + $3 * interval '1 millisecond'
       ORDER BY start_at LIMIT 1)""";

  /**
   * Camera $1's thumbnails of segments starting in [$2, $3), at most one per $4 ms counted from $2 (the first of each
   * step), in time order.
   */
  static final String THUMBNAILS_IN = """
      SELECT DISTINCT ON (floor(extract(epoch FROM start_at - $2) * 1000 / $4)) start_at, duration_ms, thumbnail_key
      FROM ingest.segments_v1
      WHERE camera_id = $1 AND thumbnail_key IS NOT NULL AND start_at >= $2 AND start_at < $3
      ORDER BY floor(extract(epoch FROM start_at - $2) * 1000 / $4), start_at""";

  /** Camera $1's segment starting at $2 whose thumbnail is $3 (the proxy opens only indexed thumbnails). */
  static final String THUMBNAIL_EXISTS = """
      SELECT 1 FROM ingest.segments_v1 WHERE camera_id = $1 AND start_at = $2 AND thumbnail_key = $3""";

  /**
   * Runs of segments in [$4, $3) (lower bound $2 = $4 minus the longest segment) where each starts at most $5 ms
   * after the furthest end before it: gaps and islands in one pass.
   */
  static final String SPANS = """
      WITH s AS (
        SELECT start_at, start_at + duration_ms * interval '1 millisecond' AS end_at, bytes FROM ingest.segments_v1
        WHERE camera_id = $1 AND start_at >= $2 AND start_at < $3
          AND start_at + duration_ms * interval '1 millisecond' > $4
      ), b AS (
        SELECT *, CASE WHEN start_at - max(end_at) OVER (ORDER BY start_at
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) <= $5 * interval '1 millisecond'
                  THEN 0 ELSE 1 END AS brk
        FROM s
      ), g AS (
        SELECT *, sum(brk) OVER (ORDER BY start_at ROWS UNBOUNDED PRECEDING) AS grp FROM b
      )
      SELECT min(start_at) AS start_at, max(end_at) AS end_at, count(*) AS segments, sum(bytes) AS bytes
      FROM g GROUP BY grp ORDER BY 1""";

  /** A camera's recordings (ingest.recordings_v1, the 180 s rule) overlapping [$2, $3), a page of them. */
  static final String RECORDINGS = """
      SELECT recording_id, start_at, end_at, segment_count, bytes FROM ingest.recordings_v1
      WHERE camera_id = $1 AND start_at < $3 AND end_at > $2
      ORDER BY start_at
      LIMIT $4 OFFSET $5""";

  static final String RECORDINGS_COUNT = """
      SELECT count(*) AS n FROM ingest.recordings_v1 WHERE camera_id = $1 AND start_at < $3 AND end_at > $2""";

  static final String HAS_SEGMENTS = """
      SELECT EXISTS (SELECT 1 FROM ingest.segments_v1 WHERE camera_id = $1) AS known""";

  static final String SEGMENT_EXISTS = """
      SELECT 1 FROM ingest.segments_v1 WHERE camera_id = $1 AND start_at = $2 AND object_key = $3""";

  /** The n-th ($3, from 0) object of camera $1 starting exactly at $2, in a playlist's order (rarely more than one). */
  static final String KEY_AT = """
      SELECT object_key FROM ingest.segments_v1 WHERE camera_id = $1 AND start_at = $2
      ORDER BY object_key OFFSET $3 LIMIT 1""";

  /** The init segment key of the n-th ($3) segment of camera $1 starting exactly at $2 (null for MPEG-TS). */
  static final String INIT_AT = """
      SELECT init_key FROM ingest.segments_v1 WHERE camera_id = $1 AND start_at = $2
      ORDER BY object_key OFFSET $3 LIMIT 1""";

  static final String INIT_EXISTS = """
      SELECT 1 FROM ingest.segments_v1 WHERE camera_id = $1 AND start_at = $2 AND init_key = $3""";

  /**
   * The media of camera $1's segments starting in [$2, $3), at most $4 of the newest, per media description: each
   * segment's bit rate in bits/s (bytes * 8 / duration), the peak and the bytes and milliseconds for the average.
   */
  static final String MEDIA = """
      WITH s AS (
        SELECT codec, width, height, frame_rate, bytes, duration_ms, key_frame_length FROM ingest.segments_v1
        WHERE camera_id = $1 AND start_at >= $2 AND start_at < $3
        ORDER BY start_at DESC LIMIT $4
      )
      SELECT codec, width, height, max(frame_rate) AS frame_rate, max(bytes * 8000 / duration_ms) AS peak_bps,
             sum(bytes) AS bytes, sum(duration_ms) AS duration_ms, count(*) AS segments,
             count(key_frame_length) AS key_frames, max(key_frame_length * 8000 / duration_ms) AS key_frame_peak_bps,
             sum(key_frame_length) AS key_frame_bytes,
             sum(duration_ms) FILTER (WHERE key_frame_length IS NOT NULL) AS key_frame_duration_ms
      FROM s GROUP BY codec, width, height ORDER BY max(bytes * 8000 / duration_ms) DESC""";

  /** The newest segment of each camera in $1 (one index scan each; cameras without segments are left out). */
  static final String NEWEST_OF_EACH = """
      SELECT i.id, l.start_at, l.duration_ms
      FROM unnest($1::text[]) AS i(id)
      JOIN LATERAL (
        SELECT start_at, duration_ms FROM ingest.segments_v1 s WHERE s.camera_id = i.id
        ORDER BY start_at DESC LIMIT 1) l ON true""";

  static final String PING = "SELECT 1";

  private final Pool pool;
  private final CameraRegistryReader registry;

  public SegmentRepository(Pool pool) {
    this.pool = pool;
    this.registry = new CameraRegistryReader(pool);
  }

  /** A live segment and the numbers ingest gave it. */
  public record LiveRow(Segment segment, long mediaSequence, long discontinuitySequence) {}

  /** The camera's newest {@code limit} live segments numbered {@code from} or later, in number order. */
  public Future<List<LiveRow>> liveNewest(String cameraId, int limit, long from) {
    return pool.preparedQuery(LIVE_NEWEST).execute(Tuple.of(cameraId, limit, from)).map(rows -> {
      List<LiveRow> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(new LiveRow(Segment.from(r), r.getLong("media_seq"), r.getLong("discontinuity_seq"))));
      Collections.reverse(out);
      return out;
    });
  }

  /** A camera's live counters (absent for a camera never indexed). */
  /** {@code targetSeconds}: 0 when the camera never announced its segment length. */
  public record LiveCounters(long nextMediaSequence, long lastDiscontinuitySequence, int targetSeconds) {}

  /** The camera's live counters, or null when ingest never numbered a segment of it. */
  public Future<LiveCounters> liveCounters(String cameraId) {
    return pool.preparedQuery(LIVE_COUNTERS).execute(Tuple.of(cameraId)).map(rows -> {
      if (rows.size() == 0) return null;
      Row r = rows.iterator().next();
      Integer target = r.getInteger("target_seconds");
      return new LiveCounters(r.getLong("next_media_seq"), r.getLong("last_discontinuity_seq"),
          target == null ? 0 : target);
    });
  }

  /** The key frames of the segments with any part inside [start, end) that announced theirs, in time order. */
  public Future<List<IFrame>> iFrames(String cameraId, Instant start, Instant end) {
    Tuple args = Tuple.of(cameraId, utc(start.minusMillis(MAX_SEGMENT_MS)), utc(end), utc(start));
    return pool.preparedQuery(I_FRAMES).execute(args).map(rows -> {
      List<IFrame> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(IFrame.from(r)));
      return out;
    });
  }

  /** A segment's thumbnail: the segment's start and duration, and the thumbnail's object key. */
  public record Thumbnail(Instant start, int durationMs, String key) {
    static Thumbnail from(Row r) {
      return new Thumbnail(r.getOffsetDateTime("start_at").toInstant(), r.getInteger("duration_ms"),
          r.getString("thumbnail_key"));
    }
  }

  /** The thumbnail whose segment starts nearest {@code at}, at most {@code maxDistanceMs} away; null when none. */
  public Future<Thumbnail> thumbnailNearest(String cameraId, Instant at, long maxDistanceMs) {
    return pool.preparedQuery(THUMBNAILS_AROUND).execute(Tuple.of(cameraId, utc(at), maxDistanceMs)).map(rows -> {
      Thumbnail best = null;
      for (Row r : rows) {
        Thumbnail t = Thumbnail.from(r);
        if (best == null || distance(t, at) < distance(best, at)) best = t;
      }
      return best;
    });
  }

  private static long distance(Thumbnail t, Instant at) {
    return Math.abs(t.start().toEpochMilli() - at.toEpochMilli());
  }

  /** The camera's thumbnails of segments starting in [start, end), at most one per {@code stepMs}, in time order. */
  public Future<List<Thumbnail>> thumbnails(String cameraId, Instant start, Instant end, long stepMs) {
    return pool.preparedQuery(THUMBNAILS_IN).execute(Tuple.of(cameraId, utc(start), utc(end), stepMs)).map(rows -> {
      List<Thumbnail> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(Thumbnail.from(r)));
      return out;
    });
  }

  /** Whether the camera's segment starting at {@code start} has exactly this thumbnail. */
  public Future<Boolean> thumbnailExists(String cameraId, Instant start, String key) {
    return pool.preparedQuery(THUMBNAIL_EXISTS).execute(Tuple.of(cameraId, utc(start), key))
        .map(rows -> rows.size() > 0);
  }

  /** Segments with any part inside [start, end), in time order. */
  public Future<List<Segment>> overlapping(String cameraId, Instant start, Instant end) {
    Tuple args = Tuple.of(cameraId, utc(start.minusMillis(MAX_SEGMENT_MS)), utc(end), utc(start));
    return pool.preparedQuery(OVERLAPPING).execute(args).map(SegmentRepository::toList);
  }

  /**
   * The recorded spans overlapping [start, end): runs of segments where none starts more than {@code maxGapMs} after
   * the end of the one before (for the timeline: the 1 s of playback continuity). Spans are not clipped to the range.
   */
  public Future<List<Span>> spans(String cameraId, Instant start, Instant end, long maxGapMs) {
    Tuple args = Tuple.of(cameraId, utc(start.minusMillis(MAX_SEGMENT_MS)), utc(end), utc(start), maxGapMs);
    return pool.preparedQuery(SPANS).execute(args).map(rows -> {
      List<Span> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(new Span(r.getOffsetDateTime("start_at").toInstant(),
          r.getOffsetDateTime("end_at").toInstant(), r.getLong("segments"), r.getLong("bytes"))));
      return out;
    });
  }

  /** A run of contiguous segments. */
  public record Span(Instant start, Instant end, long segments, long bytes) {}

  /** One recording as ingest keeps it. */
  public record Recording(long id, Instant start, Instant end, int segments, long bytes) {}

  /** A page of the camera's recordings overlapping [start, end), in time order, and how many there are in all. */
  public record RecordingPage(long total, List<Recording> recordings) {}

  public Future<RecordingPage> recordings(String cameraId, Instant start, Instant end, int offset, int limit) {
    Tuple range = Tuple.of(cameraId, utc(start), utc(end));
    return pool.preparedQuery(RECORDINGS_COUNT).execute(range).compose(count -> {
      long total = count.iterator().next().getLong("n");
      Tuple page = Tuple.of(cameraId, utc(start), utc(end), limit, offset);
      return pool.preparedQuery(RECORDINGS).execute(page).map(rows -> {
        List<Recording> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
          out.add(new Recording(r.getLong("recording_id"), r.getOffsetDateTime("start_at").toInstant(),
              r.getOffsetDateTime("end_at").toInstant(), r.getInteger("segment_count"), r.getLong("bytes")));
        }
        return new RecordingPage(total, out);
      });
    });
  }

  /** Whether the camera is registered or has any segment (a deleted camera's recordings stay until retention). */
  public Future<Boolean> cameraKnown(String cameraId) {
    return registry.isRegistered(cameraId).compose(registered -> registered ? Future.succeededFuture(true)
        : pool.preparedQuery(HAS_SEGMENTS).execute(Tuple.of(cameraId))
            .map(rows -> rows.iterator().next().getBoolean("known")));
  }

  /** Whether the index holds exactly this segment. */
  public Future<Boolean> segmentExists(String cameraId, Instant start, String objectKey) {
    return pool.preparedQuery(SEGMENT_EXISTS).execute(Tuple.of(cameraId, utc(start), objectKey))
        .map(rows -> rows.size() > 0);
  }

  /** The object key of the {@code nth} (from 0) indexed segment of the camera starting at {@code start}, or null. */
  public Future<String> keyAt(String cameraId, Instant start, int nth) {
    return pool.preparedQuery(KEY_AT).execute(Tuple.of(cameraId, utc(start), nth))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** The init segment key of the {@code nth} segment of the camera starting at {@code start}; null when none. */
  public Future<String> initAt(String cameraId, Instant start, int nth) {
    return pool.preparedQuery(INIT_AT).execute(Tuple.of(cameraId, utc(start), nth))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** Whether the camera's segment starting at {@code start} needs exactly this init segment. */
  public Future<Boolean> initExists(String cameraId, Instant start, String initKey) {
    return pool.preparedQuery(INIT_EXISTS).execute(Tuple.of(cameraId, utc(start), initKey))
        .map(rows -> rows.size() > 0);
  }

  /**
   * Segments of one media description (codecs, resolution) and their bit rates: {@code peakBps} the highest segment
   * bit rate, {@code bytes} over {@code durationMs} the average; {@code keyFrames} how many announced their key frame's
   * range, whose I-frame bit rates (the key frame's bytes over the segment's duration, RFC 8216 §4.3.4.3) peak at
   * {@code keyFramePeakBps} and average {@code keyFrameBytes} over {@code keyFrameDurationMs}.
   */
  public record MediaGroup(String codec, Integer width, Integer height, Double frameRate, long peakBps, long bytes,
      long durationMs, long segments, long keyFrames, long keyFramePeakBps, long keyFrameBytes,
      long keyFrameDurationMs) {
    public MediaGroup(String codec, Integer width, Integer height, Double frameRate, long peakBps, long bytes,
        long durationMs, long segments) {
      this(codec, width, height, frameRate, peakBps, bytes, durationMs, segments, 0, 0, 0, 0);
    }
  }

  /** The media of the camera's newest {@code limit} segments starting in [start, end), the highest bit rate first. */
  public Future<List<MediaGroup>> media(String cameraId, Instant start, Instant end, int limit) {
    return pool.preparedQuery(MEDIA).execute(Tuple.of(cameraId, utc(start), utc(end), limit)).map(rows -> {
      List<MediaGroup> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new MediaGroup(r.getString("codec"), r.getInteger("width"), r.getInteger("height"),
            r.getDouble("frame_rate"), r.getLong("peak_bps"), r.getLong("bytes"), r.getLong("duration_ms"),
            r.getLong("segments"), r.getLong("key_frames"), orZero(r.getLong("key_frame_peak_bps")),
            orZero(r.getLong("key_frame_bytes")), orZero(r.getLong("key_frame_duration_ms"))));
      }
      return out;
    });
  }

  /** A registered camera and its newest segment. */
  public record CameraRow(String id, boolean enabled, Instant createdAt, Instant lastSegmentStart,
      Integer lastSegmentDurationMs) {
    /** When its newest segment ended, or null. */
    public Instant lastSegmentEnd() {
      return lastSegmentStart == null ? null : lastSegmentStart.plusMillis(lastSegmentDurationMs);
    }
  }

  /**
   * Registered cameras with ids after {@code afterId}, in id order.
   *
   * @param only the ids to list, or null for all
   */
  public Future<List<CameraRow>> cameras(List<String> only, String afterId, int limit) {
    return registry.page(only, afterId, limit).compose(page -> {
      String[] ids = page.stream().map(RegisteredCamera::id).toArray(String[]::new);
      return pool.preparedQuery(NEWEST_OF_EACH).execute(Tuple.tuple().addArrayOfString(ids)).map(rows -> {
        Map<String, Row> newest = new HashMap<>();
        rows.forEach(r -> newest.put(r.getString("id"), r));
        List<CameraRow> out = new ArrayList<>(page.size());
        for (RegisteredCamera c : page) {
          Row last = newest.get(c.id());
          out.add(new CameraRow(c.id(), c.enabled(), c.createdAt(),
              last == null ? null : last.getOffsetDateTime("start_at").toInstant(),
              last == null ? null : last.getInteger("duration_ms")));
        }
        return out;
      });
    });
  }

  public Future<Void> ping() {
    return pool.query(PING).execute().mapEmpty();
  }

  private static List<Segment> toList(RowSet<Row> rows) {
    List<Segment> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(Segment.from(r)));
    return out;
  }

  private static long orZero(Long n) {
    return n == null ? 0 : n;
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
