package io.ipchls.playlist.s3;

import io.ipchls.kit.config.S3Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * The bucket as clip export writes it, with the service's own key: put a finished export's MP4 and manifest, delete
 * expired ones. The AWS SDK's blocking client over the JDK's HTTP stack (as ingest's {@code ObjectStore}): call from a
 * worker thread, never an event loop. A PUT of a file streams it; S3 takes up to 5 GB in one PUT, far more than the
 * longest export (exports.maxRangeMinutes).
 */
public final class ExportStore implements AutoCloseable {
  private final S3Client s3;
  private final String bucket;

  public ExportStore(S3Config cfg) {
    var http = UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(10))
        .socketTimeout(Duration.ofSeconds(60));
    var trust = cfg.trustManagers();
    if (trust != null) http.tlsTrustManagersProvider(() -> trust);
    var builder = S3Client.builder()
        .httpClientBuilder(http)
        .region(Region.of(cfg.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(cfg.accessKeyId(), cfg.secretAccessKey())))
        .forcePathStyle(cfg.pathStyle());
    if (cfg.endpointUri() != null) builder.endpointOverride(cfg.endpointUri());
    this.s3 = builder.build();
    this.bucket = cfg.bucket();
  }

  /** Stores a file (streamed) under {@code key}; {@code disposition} is its Content-Disposition for downloads. */
  public void putFile(String key, Path file, String contentType, String disposition) {
    s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType).contentDisposition(disposition),
        RequestBody.fromFile(file));
  }

  public void putBytes(String key, byte[] bytes, String contentType) {
    s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
  }

  /** Deletes the objects (at most 1000, one DeleteObjects request); absent ones are no error. */
  public void delete(List<String> keys) {
    if (keys.isEmpty()) return;
    List<ObjectIdentifier> ids = keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
    s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(ids).quiet(true)));
  }

  @Override
  public void close() {
    s3.close();
  }
}
