package io.ipchls.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code cameras/{id}/segments}: one uploaded segment. {@code start} and {@code deviceTime} are UTC epoch ms
 * ({@code start} is the camera's best estimate of the first frame's wall-clock time, {@code deviceTime} the camera
 * clock when it published); {@code seq} counts segments since the camera process started; {@code clockJump} marks the
 * first segment after the camera clock stepped.
 */
public record SegmentNotification(
    int v,
    String key,
    long start,
    long durationMs,
    long bytes,
    String sha256,
    long seq,
    String codec,
    int width,
    int height,
    long deviceTime,
    Boolean clockJump) {
  public static final int VERSION = 1;
  public static final long MAX_DURATION_MS = SegmentDuration.MAX_MS;
  public static final long MAX_BYTES = 512L * 1024 * 1024;

  /** Contract checks that need no server state; the empty list means valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (v != VERSION) p.add("unsupported schema version v=" + v);
    if (key == null || ObjectKeys.normalize(key).isEmpty()) p.add("key is missing or not in normal form");
    if (start <= 0) p.add("start must be epoch milliseconds");
    if (durationMs <= 0 || durationMs > MAX_DURATION_MS) p.add("durationMs must be in (0, " + MAX_DURATION_MS + "]");
    if (bytes <= 0 || bytes > MAX_BYTES) p.add("bytes must be in (0, " + MAX_BYTES + "]");
    if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) p.add("sha256 must be 64 lower-case hex digits");
    if (seq < 0) p.add("seq must be >= 0");
    if (width < 0 || height < 0 || width > 16384 || height > 16384) p.add("width/height out of range");
    if (codec != null && codec.length() > 32) p.add("codec too long");
    return p;
  }
}
