package io.ipchls.infra;

import io.ipchls.protocol.StorageDefaults;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start an {@link EmbeddedS3}.
 *
 * @param dataDir directory holding the buckets (one sub-directory each); created if missing
 * @param host address to bind, null for 127.0.0.1
 * @param port HTTP port, 0 for a free one
 * @param bucket the bucket to create if missing
 * @param region the region clients should sign for (S3Proxy accepts any; reported by {@link EmbeddedS3#region()})
 * @param rootAccessKey access key id with full access
 * @param rootSecretKey its secret
 * @param keys where temporary, PutObject-only keys are looked up; {@link KeyLookup#none()} for none
 * @param tls the server certificate for HTTPS on {@code port}, or null for plain HTTP
 */
public record S3Options(Path dataDir, String host, int port, String bucket, String region, String rootAccessKey,
    String rootSecretKey, KeyLookup keys, ServerTls tls) {
  /** Plain HTTP. */
  public S3Options(Path dataDir, String host, int port, String bucket, String region, String rootAccessKey,
      String rootSecretKey, KeyLookup keys) {
    this(dataDir, host, port, bucket, region, rootAccessKey, rootSecretKey, keys, null);
  }

  public S3Options {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(rootAccessKey, "rootAccessKey");
    Objects.requireNonNull(rootSecretKey, "rootSecretKey");
    if (host == null || host.isBlank()) host = "127.0.0.1";
    region = StorageDefaults.regionOrDefault(region);
    if (keys == null) keys = KeyLookup.none();
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
  }

  @Override
  public String toString() {
    return "S3Options[dataDir=" + dataDir + ", host=" + host + ", port=" + port + ", bucket=" + bucket
        + ", region=" + region + ", rootAccessKey=" + rootAccessKey + (tls == null ? "" : ", https") + "]";
  }
}
