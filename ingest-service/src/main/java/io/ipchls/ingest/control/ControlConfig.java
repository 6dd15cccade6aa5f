package io.ipchls.ingest.control;

import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.MqttConfig;
import io.ipchls.kit.config.S3Config;

/**
 * What recording control uses. {@code playlistBaseUrl} is put before the replay paths of record files and events
 * (empty: the paths stay relative to playlist-service); the recording-event and index-file job, and the resending of
 * pending camera commands, run every {@code intervalSeconds} (setting {@code controlIntervalSeconds}); an index period
 * (or a stopped task) is written {@code settleSeconds} after it ended (plus the segment length for a period end), so
 * the segments uploaded last are in it. A recording ends with reason gap by the {@code gapRule}. Index files are
 * written to {@code s3} with the service's own key pair; without one they are off. The camera link is an MQTT client
 * {@code mqttClientId-control}. A task never shortens a camera's retention below {@code defaultRetentionDays} (the
 * retention of cameras without their own).
 */
public record ControlConfig(
    MqttConfig mqtt,
    String mqttClientId,
    S3Config s3,
    String playlistBaseUrl,
    int intervalSeconds,
    int settleSeconds,
    RecordingGapRule gapRule,
    int defaultRetentionDays) {

  public ControlConfig {
    if (playlistBaseUrl == null || !(playlistBaseUrl.isEmpty() || playlistBaseUrl.matches("https?://[^\\s?#]+"))) {
      throw new ConfigException("playlistBaseUrl", "must be empty or an http(s) URL without query, got '"
          + playlistBaseUrl + "'");
    }
    if (intervalSeconds < 1) throw new ConfigException("controlIntervalSeconds", "must be >= 1");
    if (settleSeconds < 0) throw new ConfigException("settleSeconds", "must be >= 0");
    if (defaultRetentionDays < 1) throw new ConfigException("retentionDays", "must be >= 1");
  }

  /** True when the service may write index files into the bucket. */
  public boolean indexFilesEnabled() {
    return !s3.accessKeyId().isBlank() && !s3.secretAccessKey().isBlank();
  }

  public long intervalMs() {
    return intervalSeconds * 1000L;
  }
}
