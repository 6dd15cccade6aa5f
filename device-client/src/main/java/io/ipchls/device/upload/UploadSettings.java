package io.ipchls.device.upload;

import io.ipchls.device.tls.TrustedCa;
import io.ipchls.protocol.StorageTier;
import java.util.Map;
import java.util.TreeMap;

/**
 * How segments are uploaded.
 *
 * @param maxAttempts attempts per upload for retryable failures (5xx, 429, I/O errors, timeouts), 1..10
 * @param uplinkBytesPerSecond the slowest uplink to allow for: each attempt's timeout is 10 s plus the segment's
 *     size at this rate, so a large segment on a slow link is not cut off while a dead connection is still noticed
 * @param tags object tags sent with every segment (stores that do not keep tags ignore them); at most 10
 * @param trust the CA certificates an https store's certificate must chain to, or null for the JVM's default trust
 *     store
 * @param tier the storage plan: every object is written in its storage class and tagged {@code ipchls-plan} and
 *     {@code ipchls-kind} ({@link StorageTier}); null: the bucket's default class and no plan tags
 */
public record UploadSettings(int maxAttempts, long uplinkBytesPerSecond, Map<String, String> tags, TrustedCa trust,
    StorageTier tier) {
  /** 32 KiB/s (256 kbit/s): a poor cellular uplink. */
  public static final long DEFAULT_UPLINK_BYTES_PER_SECOND = 32 * 1024;

  public UploadSettings {
    if (maxAttempts < 1 || maxAttempts > 10) throw new IllegalArgumentException("maxAttempts must be 1..10");
    if (uplinkBytesPerSecond < 1024) throw new IllegalArgumentException("uplink must be at least 1 KiB/s");
    tags = Map.copyOf(tags);
    // S3 allows 10 tags per object; a tier adds two of its own
    if (tags.size() > (tier == null ? 10 : 8)) throw new IllegalArgumentException("S3 allows at most 10 tags per object");
    if (tier != null && (tags.containsKey(StorageTier.PLAN_TAG) || tags.containsKey(StorageTier.KIND_TAG))) {
      throw new IllegalArgumentException("the tags " + StorageTier.PLAN_TAG + " and " + StorageTier.KIND_TAG
          + " are set by the storage tier");
    }
    tags.forEach((k, v) -> {
      if (k.isEmpty() || k.length() > 128 || v.length() > 256) {
        throw new IllegalArgumentException("tag keys must be 1..128 and values 0..256 characters");
      }
    });
  }

  /** Without a storage tier. */
  public UploadSettings(int maxAttempts, long uplinkBytesPerSecond, Map<String, String> tags, TrustedCa trust) {
    this(maxAttempts, uplinkBytesPerSecond, tags, trust, null);
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
    return new UploadSettings(maxAttempts, uplinkBytesPerSecond, newTags, trust, tier);
  }

  public UploadSettings withUplink(long bytesPerSecond) {
    return new UploadSettings(maxAttempts, bytesPerSecond, tags, trust, tier);
  }

  /** The same, trusting {@code ca} (null: the JVM's default trust store) for an https store. */
  public UploadSettings withTrust(TrustedCa ca) {
    return new UploadSettings(maxAttempts, uplinkBytesPerSecond, tags, ca, tier);
  }

  /** The same, writing objects under the storage plan {@code t} (null: none). */
  public UploadSettings withTier(StorageTier t) {
    return new UploadSettings(maxAttempts, uplinkBytesPerSecond, tags, trust, t);
  }

  /**
   * The tags of an object at {@code key}: the configured ones, and with a tier its plan and kind (an init segment,
   * {@code <prefix>/init/<hash>.mp4}, is {@value StorageTier#KIND_INIT}, a thumbnail ({@code .jpg})
   * {@value StorageTier#KIND_THUMB}; anything else a segment).
   */
  public Map<String, String> tagsFor(String key) {
    if (tier == null) return tags;
    Map<String, String> all = new TreeMap<>(tags);
    all.put(StorageTier.PLAN_TAG, tier.wireName());
    all.put(StorageTier.KIND_TAG, key.contains("/init/") ? StorageTier.KIND_INIT
        : key.endsWith(".jpg") ? StorageTier.KIND_THUMB : StorageTier.KIND_SEGMENT);
    return all;
  }
}
