package io.ipchls.protocol;

/** {@code cameras/{id}/segments/rejected}: ingest refused a notification, and why. */
public record SegmentRejected(int v, String key, String reason) {
  public static SegmentRejected of(String key, String reason) {
    return new SegmentRejected(1, key, reason);
  }
}
