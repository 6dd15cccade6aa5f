package io.ipchls.protocol;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Object-key layout of segments: the seed layout {@code <prefix>/<yyyy>/<MM>/<dd>/<HH>/<mm>/<ss>.ts} (UTC),
 * extended with milliseconds and the camera's segment sequence number,
 * {@code <prefix>/yyyy/MM/dd/HH/mm/ss.SSS-<seq>.ts}, so that two segments that start in the same second (or at the
 * same millisecond after a clock jump) never overwrite each other. Keys sort by time within a prefix.
 */
public final class ObjectKeys {
  private static final DateTimeFormatter PATH =
      DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/mm/ss.SSS").withZone(ZoneOffset.UTC);
  /** Longest key we accept anywhere (S3 allows 1024 bytes). */
  public static final int MAX_KEY_LENGTH = 1024;
  private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9/!_.*'()-]+");

  /**
   * The bucket's first path segment kept for the services' own objects: no camera's storage prefix may be it or lie
   * under it (credential-service refuses such a prefix; camera ids starting with it are reserved anyway), so camera
   * credentials never reach what lies here.
   */
  public static final String SERVICE_SEGMENT = "ipchls";
  /** Where clip exports (the MP4 and its manifest) are written: {@code ipchls/exports/<export id>/...}. */
  public static final String EXPORTS_PREFIX = SERVICE_SEGMENT + "/exports";

  private ObjectKeys() {}

  /** Whether a storage prefix is, or lies under, the services' own {@link #SERVICE_SEGMENT}. */
  public static boolean isServicePrefix(String prefix) {
    return prefix != null && (prefix.equals(SERVICE_SEGMENT) || prefix.startsWith(SERVICE_SEGMENT + "/"));
  }

  public static String segmentKey(String prefix, Instant start, long seq) {
    return segmentKey(prefix, start, seq, SegmentNotification.CONTAINER_TS);
  }

  /**
   * A segment's key for a container: {@code .ts} for MPEG-TS, {@code .m4s} for an fMP4 media segment (the extension
   * Apple's and DASH-IF's examples use).
   */
  public static String segmentKey(String prefix, Instant start, long seq, String container) {
    requirePrefix(prefix);
    if (seq < 0) throw new IllegalArgumentException("seq must be >= 0");
    return prefix + "/" + PATH.format(start) + "-" + seq + extension(container);
  }

  /**
   * The key of an fMP4 initialization segment, {@code <prefix>/init/<first 32 hex digits of its SHA-256>.mp4}: named
   * by its content, so each codec configuration is uploaded once and a camera restarted with the same configuration
   * finds it already there.
   */
  public static String initKey(String prefix, String sha256Hex) {
    requirePrefix(prefix);
    if (sha256Hex == null || !sha256Hex.matches("[0-9a-f]{32,64}")) {
      throw new IllegalArgumentException("init key needs a lower-case hex SHA-256");
    }
    return prefix + "/init/" + sha256Hex.substring(0, 32) + ".mp4";
  }

  /**
   * The key of a segment's thumbnail, {@code <prefix>/thumbs/yyyy/MM/dd/HH/mm/ss.SSS-<seq>.jpg}: under the camera's
   * own prefix (its credentials may write nothing else), beside its segments but apart from them, named like the
   * segment it shows.
   */
  public static String thumbnailKey(String prefix, Instant start, long seq) {
    requirePrefix(prefix);
    if (seq < 0) throw new IllegalArgumentException("seq must be >= 0");
    return prefix + "/thumbs/" + PATH.format(start) + "-" + seq + ".jpg";
  }

  private static String extension(String container) {
    if (SegmentNotification.CONTAINER_TS.equals(container)) return ".ts";
    if (SegmentNotification.CONTAINER_FMP4.equals(container)) return ".m4s";
    throw new IllegalArgumentException("unknown container: " + container);
  }

  /** A prefix is one or more clean path segments without leading or trailing '/'. */
  public static String requirePrefix(String prefix) {
    if (normalize(prefix).isEmpty()) {
      throw new IllegalArgumentException("invalid storage prefix: " + CameraIds.abbreviate(prefix));
    }
    return prefix;
  }

  /**
   * Returns the key unchanged if it is already in normal form: no leading '/', no empty, "." or ".." segments, no
   * backslash or control characters, at most {@link #MAX_KEY_LENGTH} chars. Anything else is refused (empty), never
   * silently rewritten, because stores differ in how they would interpret it.
   */
  public static Optional<String> normalize(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) return Optional.empty();
    if (key.startsWith("/") || key.endsWith("/")) return Optional.empty();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') return Optional.empty();
    }
    for (String part : key.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) return Optional.empty();
    }
    return Optional.of(key);
  }

  /**
   * Why {@code key} cannot be a segment's object key, or null when it can: present, at most {@link #MAX_KEY_LENGTH}
   * bytes of UTF-8, only the characters S3 calls safe ({@code A-Z a-z 0-9 / ! - _ . * ' ( )}, so nothing a store or
   * a URL would read differently, no control character, no NUL), and in normal form. Whether it lies under the
   * camera's own prefix needs the registry and is ingest's check.
   */
  public static String keyProblem(String key) {
    if (key == null || key.isEmpty()) return "key is missing";
    if (SegmentNotification.utf8Length(key) > MAX_KEY_LENGTH) return "key is longer than " + MAX_KEY_LENGTH + " bytes";
    if (!SAFE_KEY.matcher(key).matches()) return "key may only hold A-Z a-z 0-9 and / ! - _ . * ' ( )";
    if (normalize(key).isEmpty()) return "key is not in normal form (no leading or trailing '/', '//', '.', '..')";
    return null;
  }

  /** True when {@code key} is in normal form and lies strictly under {@code prefix/}. */
  public static boolean isUnder(String key, String prefix) {
    return normalize(key).isPresent()
        && normalize(prefix).isPresent()
        && key.startsWith(prefix + "/")
        && key.length() > prefix.length() + 1;
  }
}
