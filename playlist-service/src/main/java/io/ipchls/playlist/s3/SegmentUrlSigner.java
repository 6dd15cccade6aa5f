package io.ipchls.playlist.s3;

import io.ipchls.kit.config.S3Config;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Presigned GET URLs for segment objects: addressed to the store's public endpoint so viewers fetch bytes straight
 * from S3, or to its internal endpoint for this service's own proxy. Signing is local computation (HMAC), no I/O.
 */
public final class SegmentUrlSigner implements AutoCloseable {
  private final S3Presigner presigner;
  private final String bucket;

  /** URLs on the store's public endpoint, for viewers. */
  public SegmentUrlSigner(S3Config cfg) {
    this(cfg, cfg.publicEndpointUri());
  }

  /** URLs on the given endpoint (null: the AWS default for the region). */
  public SegmentUrlSigner(S3Config cfg, URI endpoint) {
    S3Presigner.Builder b = S3Presigner.builder()
        .region(Region.of(cfg.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(cfg.accessKeyId(), cfg.secretAccessKey())))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(cfg.pathStyle()).build());
    if (endpoint != null) b.endpointOverride(endpoint);
    this.presigner = b.build();
    this.bucket = cfg.bucket();
  }

  public String presignGet(String objectKey, Duration lifetime) {
    return presigner.presignGetObject(r -> r
            .signatureDuration(lifetime)
            .getObjectRequest(g -> g.bucket(bucket).key(objectKey)))
        .url().toString();
  }

  @Override
  public void close() {
    presigner.close();
  }
}
