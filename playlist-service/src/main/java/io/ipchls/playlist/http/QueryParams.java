package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.ipchls.protocol.CameraIds;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.regex.Pattern;

/** Parsing of the query parameters playlist requests share; every failure is a 400 naming the parameter. */
final class QueryParams {
  /** The seed's time format, always UTC. */
  static final DateTimeFormatter SEED_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);
  /** An ISO time whose '+' offset arrived unencoded and was decoded to a space, e.g. "...T10:00:00 08:00". */
  private static final Pattern DECODED_PLUS = Pattern.compile("(.+T.+) (\\d{2}(:?\\d{2})?)");

  private QueryParams() {}

  static String cameraId(MultiMap params) {
    return cameraId(params.get("camera_id"), "camera_id");
  }

  /** A camera id from the named parameter (query or path). */
  static String cameraId(String id, String name) {
    if (id == null || id.isEmpty()) throw ApiException.badRequest("invalid_camera_id", name + " is required");
    if (!CameraIds.isValid(id)) {
      throw ApiException.badRequest("invalid_camera_id",
          name + " must match " + CameraIds.PATTERN.pattern() + ", got: " + abbreviate(id));
    }
    return id;
  }

  /** An optional integer parameter in [min, max]. */
  static int integer(MultiMap params, String name, int def, int min, int max) {
    String v = params.get(name);
    if (v == null || v.isEmpty()) return def;
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest("invalid_" + name, name + " must be an integer in [" + min + ", " + max + "], got: "
        + abbreviate(v));
  }

  /** A half-open time range [start, end). */
  record TimeRange(Instant start, Instant end) {}

  /** [start, end) from the {@code start} and {@code end} parameters: end after start, at most {@code maxRange}. */
  static TimeRange range(MultiMap params, Duration maxRange) {
    Instant start = time(params, "start");
    Instant end = time(params, "end");
    if (!end.isAfter(start)) throw ApiException.badRequest("invalid_range", "end must be after start");
    if (Duration.between(start, end).compareTo(maxRange) > 0) {
      throw ApiException.badRequest("range_too_long", "a range may span at most " + maxRange.toHours() + " hours");
    }
    return new TimeRange(start, end);
  }

  /** {@code yyyy-MM-dd HH:mm:ss} (UTC) or ISO-8601 with an offset ({@code 2026-11-21T10:00:00Z}, {@code +08:00}). */
  static Instant time(MultiMap params, String name) {
    String v = params.get(name);
    if (v == null || v.isBlank()) throw ApiException.badRequest("invalid_time", name + " is required");
    try {
      return LocalDateTime.parse(v, SEED_TIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException notSeedFormat) {
      try {
        return OffsetDateTime.parse(DECODED_PLUS.matcher(v).replaceFirst("$1+$2")).toInstant();
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("invalid_time", name
            + " must be 'yyyy-MM-dd HH:mm:ss' (UTC) or ISO-8601 with an offset, got: " + abbreviate(v));
      }
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
