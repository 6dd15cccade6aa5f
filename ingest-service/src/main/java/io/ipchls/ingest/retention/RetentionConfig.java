package io.ipchls.ingest.retention;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.IntSetting;
import io.ipchls.kit.config.S3Config;

/**
 * What retention uses: the bucket with the service's own key pair ({@code s3}; without one, objects are never
 * deleted and retention is off), the retention of a camera without its own ({@code retentionDays}), how often
 * the sweeper runs ({@code sweepIntervalSeconds}) and how often it enforces storage quotas of policy ring
 * ({@code quotaIntervalSeconds}: a camera over its quota is back under it within about this long).
 */
public record RetentionConfig(S3Config s3, int defaultRetentionDays, int sweepIntervalSeconds,
    int quotaIntervalSeconds) {
  public static final int DEFAULT_QUOTA_INTERVAL_SECONDS = 30;
  public static final IntSetting QUOTA_INTERVAL_SECONDS = IntSetting.named("quotaIntervalSeconds").byDefault(DEFAULT_QUOTA_INTERVAL_SECONDS)
      .atLeast(1).atMost(3600);
  /** Days a segment is kept: the service's default for cameras without their own, and a record template's bounds. */
  public static final IntSetting RETENTION_DAYS = IntSetting.named("retentionDays").byDefault(7).atLeast(1)
      .atMost(36_500);

  public RetentionConfig {
    if (defaultRetentionDays < 1) throw new ConfigException("retentionDays", "must be >= 1");
    if (sweepIntervalSeconds < 1) throw new ConfigException("sweepIntervalSeconds", "must be >= 1");
    if (quotaIntervalSeconds < 1) throw new ConfigException("quotaIntervalSeconds", "must be >= 1");
  }

  /** With quotas enforced every {@value #DEFAULT_QUOTA_INTERVAL_SECONDS} s. */
  public RetentionConfig(S3Config s3, int defaultRetentionDays, int sweepIntervalSeconds) {
    this(s3, defaultRetentionDays, sweepIntervalSeconds, DEFAULT_QUOTA_INTERVAL_SECONDS);
  }


  /** True when the service may delete from the bucket. */
  public boolean enabled() {
    return !s3.accessKeyId().isBlank() && !s3.secretAccessKey().isBlank();
  }
}
