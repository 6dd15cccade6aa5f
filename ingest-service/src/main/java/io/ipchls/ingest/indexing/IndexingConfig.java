package io.ipchls.ingest.indexing;

import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.MqttConfig;
import io.ipchls.kit.config.S3Config;

/**
 * What indexing uses, parsed by IngestConfig from its flat settings. {@code maxFutureSkewSeconds} and the camera's
 * retention (default {@code defaultRetentionDays}, setting {@code retentionDays}) bound the accepted segment start
 * times; batches hold at most {@code batchMaxSize} notifications, and at most {@code writeConcurrency} batches are
 * written at once (batches grow with the load by themselves, see SegmentBatcher; a free writer waits up to
 * {@code batchLingerMs} for half a batch); {@code mqttConnections} sessions
 * ({@code mqttClientId}, {@code mqttClientId-2}, ...) share the load, each with the broker's in-flight window, and
 * each holds at most {@code maxHeldPerConnection} notifications not yet acknowledged (at the bound it stops reading).
 * With {@code verifyObjects} each object is HEADed in {@code s3} before it is indexed.
 */
public record IndexingConfig(
    MqttConfig mqtt,
    String mqttClientId,
    int mqttConnections,
    int maxHeldPerConnection,
    int batchMaxSize,
    int batchLingerMs,
    int writeConcurrency,
    int maxFutureSkewSeconds,
    int defaultRetentionDays,
    RecordingGapRule gapRule,
    boolean verifyObjects,
    S3Config s3) {

  public IndexingConfig {
    if (maxFutureSkewSeconds < 0) throw new ConfigException("maxFutureSkewSeconds", "must be >= 0");
    if (defaultRetentionDays < 1) throw new ConfigException("retentionDays", "must be >= 1");
    if (batchMaxSize < 1) throw new ConfigException("batchMaxSize", "must be >= 1");
    if (batchLingerMs < 0) throw new ConfigException("batchLingerMs", "must be >= 0");
    if (writeConcurrency < 1) throw new ConfigException("writeConcurrency", "must be >= 1");
    if (mqttConnections < 1) throw new ConfigException("mqttConnections", "must be >= 1");
    if (maxHeldPerConnection < 2) throw new ConfigException("maxHeldPerConnection", "must be >= 2");
    if (verifyObjects && (s3.accessKeyId().isBlank() || s3.secretAccessKey().isBlank())) {
      throw new ConfigException("s3.accessKeyId", "is required when verifyObjects is true");
    }
  }
}
