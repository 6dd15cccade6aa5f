package io.ipchls.ingest.shared;

import io.ipchls.kit.config.S3Config;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The bucket as ingest uses it, with the service's own key: does an object exist (HEAD), write one (index files), delete many (DeleteObjects,
 * up to {@value #MAX_DELETE} keys per request). The AWS SDK's blocking client over the JDK's HTTP stack: call from a
 * worker thread, never an event loop. TLS certificates and host names are always verified
 * (against {@code s3.caFile} when set).
 */
public final class ObjectStore implements AutoCloseable {
  /** DeleteObjects takes at most 1000 keys per request. */
  public static final int MAX_DELETE = 1000;

  private final S3Client s3;
  private final String bucket;

  public ObjectStore(S3Config cfg) {
    var http = UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(10))
        .socketTimeout(Duration.ofSeconds(30));
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

  /** What the bucket says about one object to this service's key. */
  public enum Presence {
    PRESENT,
    /** 404: no such object. */
    MISSING,
    /**
     * 403 AccessDenied for this object: the bucket's policy does not let this key read it, or (S3 without
     * s3:ListBucket for this key) the object does not exist.
     */
    DENIED
  }

  /**
   * The S3 error codes that refuse the request for what this service sent, not for the object: its own key id,
   * secret, session token or clock. Every object gets the same answer until the operator fixes the service, so such a
   * refusal is no verdict on the object.
   */
  static final Set<String> SERVICE_REFUSALS = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
      "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "RequestTimeTooSkewed", "AccountProblem");

  /**
   * HEADs the object. A 403 to a HEAD carries no error code (no body), so it is asked again with a one-byte GET,
   * whose answer names the code: a refusal of this service's own credentials or clock ({@link #SERVICE_REFUSALS})
   * throws like any failure that may change (the caller retries; nothing is refused meanwhile), AccessDenied is
   * {@link Presence#DENIED}.
   *
   * @throws S3Exception on anything else, 5xx and other 4xx included
   */
  public Presence presence(String key) {
    try {
      s3.headObject(r -> r.bucket(bucket).key(key));
      return Presence.PRESENT;
    } catch (NoSuchKeyException e) {
      return Presence.MISSING;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) return Presence.MISSING;
      if (e.statusCode() == 403) return presenceAfterRefusal(key);
      throw e;
    }
  }

  private Presence presenceAfterRefusal(String key) {
    try (var body = s3.getObject(r -> r.bucket(bucket).key(key).range("bytes=0-0"))) {
      return Presence.PRESENT; // readable after all (a policy changed between the two requests)
    } catch (NoSuchKeyException e) {
      return Presence.MISSING;
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if (e.statusCode() == 404) return Presence.MISSING;
      if (e.statusCode() == 416) return Presence.PRESENT; // an empty object: it exists
      if (e.statusCode() == 403 && "AccessDenied".equals(code)) return Presence.DENIED;
      throw e;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Writes an object (overwrites: writing the same bytes twice is harmless); throws on failure. */
  public void put(String key, byte[] bytes, String contentType) {
    s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
  }

  public String bucket() {
    return bucket;
  }

  /**
   * Deletes the objects (a missing one counts as deleted: S3 answers DeleteObjects for it with success) and returns
   * the keys that could not be deleted, each with its error code.
   */
  public Map<String, String> deleteAll(List<String> keys) {
    Map<String, String> failed = new LinkedHashMap<>();
    for (int from = 0; from < keys.size(); from += MAX_DELETE) {
      List<ObjectIdentifier> ids = keys.subList(from, Math.min(keys.size(), from + MAX_DELETE)).stream()
          .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
      var resp = s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(ids).quiet(true)));
      resp.errors().forEach(e -> failed.put(e.key(), e.code()));
    }
    return failed;
  }

  @Override
  public void close() {
    s3.close();
  }
}
