package io.ipchls.playlist;

import io.ipchls.kit.config.IntSetting;
import io.ipchls.kit.config.Setting;
import io.ipchls.kit.config.Settings;
import io.vertx.core.json.JsonObject;

/**
 * Clip export jobs (section {@code exports}; issue 18 item 4, ARCHITECTURE.md "Clip export jobs").
 *
 * @param maxRunning jobs remuxing at once in the whole deployment (each reads the range's segments twice and writes
 *     one file); more are refused with 409 until one finishes
 * @param maxRangeMinutes the longest range one job may export (413 beyond it)
 * @param urlSeconds lifetime of the presigned URLs a finished job's answer carries
 * @param retentionDays a job, its MP4 and its manifest are deleted this many days after it was made
 * @param maxRunMinutes a job still running after this long is reported failed (its instance stopped) and frees its slot
 */
public record ExportConfig(int maxRunning, int maxRangeMinutes, int urlSeconds, int retentionDays,
    int maxRunMinutes) {
  public static final IntSetting MAX_RUNNING = IntSetting.named("maxRunning").byDefault(2).atLeast(1).atMost(64);
  public static final IntSetting MAX_RANGE_MINUTES = IntSetting.named("maxRangeMinutes").byDefault(60).atLeast(1)
      .atMost(24 * 60);
  public static final IntSetting URL_SECONDS = IntSetting.named("urlSeconds").byDefault(3600).atLeast(60)
      .atMost(PlaylistConfig.MAX_PRESIGN_SECONDS);
  public static final IntSetting RETENTION_DAYS = IntSetting.named("retentionDays").byDefault(7).atLeast(1)
      .atMost(3650);
  public static final IntSetting MAX_RUN_MINUTES = IntSetting.named("maxRunMinutes").byDefault(30).atLeast(1)
      .atMost(24 * 60);

  public static ExportConfig defaults() {
    return from(Settings.root(new JsonObject()));
  }

  public static ExportConfig from(Settings s) {
    return new ExportConfig(MAX_RUNNING.read(s), MAX_RANGE_MINUTES.read(s), URL_SECONDS.read(s),
        RETENTION_DAYS.read(s), MAX_RUN_MINUTES.read(s));
  }

  static JsonObject defaultsJson() {
    return Setting.defaults(MAX_RUNNING, MAX_RANGE_MINUTES, URL_SECONDS, RETENTION_DAYS, MAX_RUN_MINUTES);
  }
}
