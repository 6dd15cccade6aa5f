package io.ipchls.device.upload;

import io.ipchls.device.tls.TrustedCa;
import java.util.Map;

/**
 * How segments are uploaded.
 *
 * @param maxAttempts attempts per upload for retryable failures (5xx, 429, I/O errors, timeouts), 1..10
 * @param uplinkBytesPerSecond the slowest uplink to allow for: each attempt's timeout is 10 s plus the segment's
 *     size at this rate, so a large segment on a slow link is not cut off while a dead connection is still noticed
 * @param tags object tags sent with every segment (stores that do not keep tags ignore them); at most 10
 * @param trust the CA certificates an https store's certificate must chain to, or null for the JVM's default trust
 *     store
 */
public record UploadSettings(int maxAttempts, long uplinkBytesPerSecond, Map<String, String> tags, TrustedCa trust) {
  /** 32 KiB/s (256 kbit/s): a poor cellular uplink. */
  public static final long DEFAULT_UPLINK_BYTES_PER_SECOND = 32 * 1024;

  public UploadSettings {
    if (maxAttempts < 1 || maxAttempts > 10) throw new IllegalArgumentException("maxAttempts must be 1..10");
    if (uplinkBytesPerSecond < 1024) throw new IllegalArgumentException("uplink must be at least 1 KiB/s");
    tags = Map.copyOf(tags);
    if (tags.size() > 10) throw new IllegalArgumentException("S3 allows at most 10 tags per object");
    tags.forEach((k, v) -> {
      if (k.isEmpty() || k.length() > 128 || v.length() > 256) {
        throw new IllegalArgumentException("tag keys must be 1..128 and values 0..256 characters");
      }
    });
  }

  /** Trusting the JVM's default trust store. */
  public UploadSettings(int maxAttempts, long uplinkBytesPerSecond, Map<String, String> tags) {
    this(maxAttempts, uplinkBytesPerSecond, tags, null);
  }

  /** 4 attempts, {@link #DEFAULT_UPLINK_BYTES_PER_SECOND}, no tags. */
  public static UploadSettings defaults() {
    return new UploadSettings(4, DEFAULT_UPLINK_BYTES_PER_SECOND, Map.of());
  }

  public UploadSettings withTags(Map<String, String> newTags) {
    return new UploadSettings(maxAttempts, uplinkBytesPerSecond, newTags, trust);
  }

  public UploadSettings withUplink(long bytesPerSecond) {
    return new UploadSettings(maxAttempts, bytesPerSecond, tags, trust);
  }

  /** The same, trusting {@code ca} (null: the JVM's default trust store) for an https store. */
  public UploadSettings withTrust(TrustedCa ca) {
    return new UploadSettings(maxAttempts, uplinkBytesPerSecond, tags, ca);
  }
}
