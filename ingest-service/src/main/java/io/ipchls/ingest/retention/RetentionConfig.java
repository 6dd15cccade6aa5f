package io.ipchls.ingest.retention;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.IntSetting;
import io.ipchls.kit.config.S3Config;

/**
 * What retention uses: the bucket with the service's own key pair ({@code s3}; without one, objects are never
 * deleted and retention is off), the retention of a camera without its own ({@code retentionDays}), and how often
 * the sweeper runs ({@code sweepIntervalSeconds}).
 */
public record RetentionConfig(S3Config s3, int defaultRetentionDays, int sweepIntervalSeconds) {
  /** Days a segment is kept: the service's default for cameras without their own, and a record template's bounds. */
  public static final IntSetting RETENTION_DAYS = IntSetting.named("retentionDays").byDefault(7).atLeast(1)
      .atMost(36_500);

  public RetentionConfig {
    if (defaultRetentionDays < 1) throw new ConfigException("retentionDays", "must be >= 1");
    if (sweepIntervalSeconds < 1) throw new ConfigException("sweepIntervalSeconds", "must be >= 1");
  }

  /** True when the service may delete from the bucket. */
  public boolean enabled() {
    return !s3.accessKeyId().isBlank() && !s3.secretAccessKey().isBlank();
  }
}
