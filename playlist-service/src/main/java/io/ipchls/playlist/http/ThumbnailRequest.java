package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/** Parsing of the thumbnail routes' query parameters; every failure is a 400 naming the parameter. */
final class ThumbnailRequest {
  /** Least step of a listing: about a segment, so a listing never holds two thumbnails of one segment's picture. */
  static final long MIN_STEP_MS = 1_000;
  static final long MAX_STEP_MS = 3_600_000;
  /** Most thumbnails one listing may hold: a timeline a few thousand pixels wide needs no more. */
  static final int MAX_THUMBNAILS = 2_000;
  private static final Pattern EPOCH_MS = Pattern.compile("-?\\d+");

  private ThumbnailRequest() {}

  /**
   * {@code time}: UTC epoch milliseconds, or any time {@link QueryParams#time} reads (ISO-8601 with an offset, or the
   * seed's {@code yyyy-MM-dd HH:mm:ss} in UTC); within the times a segment may have
   * ([{@value SegmentNotification#MIN_EPOCH_MS}, {@value SegmentNotification#MAX_EPOCH_MS}) ms).
   */
  static Instant time(MultiMap params) {
    String v = params.get("time");
    if (v != null && EPOCH_MS.matcher(v).matches()) {
      long ms;
      try {
        ms = Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw outOfRange(v);
      }
      if (ms < SegmentNotification.MIN_EPOCH_MS || ms >= SegmentNotification.MAX_EPOCH_MS) throw outOfRange(v);
      return Instant.ofEpochMilli(ms);
    }
    return QueryParams.time(params, "time");
  }

  private static ApiException outOfRange(String v) {
    return ApiException.badRequest("invalid_time", "time as epoch milliseconds must be in ["
        + SegmentNotification.MIN_EPOCH_MS + ", " + SegmentNotification.MAX_EPOCH_MS + "), got: "
        + QueryParams.abbreviate(v));
  }

  /**
   * {@code step} in ms, in [{@value #MIN_STEP_MS}, {@value #MAX_STEP_MS}]: at most one thumbnail per step. Absent: the
   * least step that keeps the listing within {@value #MAX_THUMBNAILS}; given: it must do so too.
   */
  static long step(MultiMap params, QueryParams.TimeRange range) {
    long rangeMs = Duration.between(range.start(), range.end()).toMillis();
    long least = Math.max(MIN_STEP_MS, (rangeMs + MAX_THUMBNAILS - 1) / MAX_THUMBNAILS);
    if (params.get("step") == null || params.get("step").isEmpty()) return least;
    long step = QueryParams.integer(params, "step", (int) least, (int) MIN_STEP_MS, (int) MAX_STEP_MS);
    if (step < least) {
      throw ApiException.badRequest("invalid_step", "step must be at least " + least + " ms for this range: a listing "
          + "holds at most " + MAX_THUMBNAILS + " thumbnails");
    }
    return step;
  }
}
