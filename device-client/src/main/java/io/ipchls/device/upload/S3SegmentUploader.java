package io.ipchls.device.upload;

import io.ipchls.protocol.StorageDefaults;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Uploads segments with PutObject using the AWS SDK's blocking client over the JDK's HTTP stack. Call from a
 * dedicated thread, never an event loop. TLS certificates and host names are always verified, against
 * {@link UploadSettings#trust()} when set.
 *
 * <p>Server errors (5xx, 429) and I/O errors/timeouts are retried with exponential backoff and full jitter, up to
 * {@link UploadSettings#maxAttempts()}; refused credentials throw {@link UploadAuthException} at once so the caller can fetch new
 * ones; other 4xx throw {@link UploadException}. The attempt timeout grows with the segment size, so a large
 * segment on a slow uplink is not cut off while a dead connection is still noticed. Every object gets a Content-Type
 * by its extension ({@value #CONTENT_TYPE} for MPEG-TS, {@value #CONTENT_TYPE_M4S} for fMP4 media segments, RFC 8216
 * §3.3, {@value #CONTENT_TYPE_MP4} for init segments, {@value #CONTENT_TYPE_JPEG} for thumbnails), a Content-MD5 and the
 * configured tags; with a storage tier also its storage class ({@code x-amz-storage-class}) and the plan and kind tags
 * ({@link UploadSettings#tagsFor}).
 */
public final class S3SegmentUploader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(S3SegmentUploader.class);
  public static final String CONTENT_TYPE = "video/mp2t";
  public static final String CONTENT_TYPE_M4S = "video/iso.segment";
  public static final String CONTENT_TYPE_MP4 = "video/mp4";
  public static final String CONTENT_TYPE_JPEG = "image/jpeg";
  private static final Set<String> AUTH_ERRORS = Set.of("InvalidAccessKeyId", "ExpiredToken", "InvalidToken",
      "TokenRefreshRequired", "SignatureDoesNotMatch", "AccessDenied");
  private static final Duration BASE_TIMEOUT = Duration.ofSeconds(10);
  private static final long BACKOFF_BASE_MS = 500;
  private static final long BACKOFF_CAP_MS = 8_000;

  private final StorageCredentials credentials;
  private final S3Client s3;
  private final UploadSettings settings;

  /**
   * @param credentials where and as whom to upload; a new uploader is needed when they change
   * @param settings attempts, uplink speed (for timeouts) and tags
   */
  public S3SegmentUploader(StorageCredentials credentials, UploadSettings settings) {
    this.credentials = credentials;
    this.settings = settings;
    var http = UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(10))
        .socketTimeout(Duration.ofSeconds(30));
    // another set of roots, not less checking: chain, dates and host name are verified as always
    if (settings.trust() != null) http.tlsTrustManagersProvider(settings.trust()::trustManagers);
    var builder = S3Client.builder()
        .httpClientBuilder(http)
        .credentialsProvider(StaticCredentialsProvider.create(credentials.sessionToken() == null
            ? AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey())
            : AwsSessionCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey(),
                credentials.sessionToken())))
        .region(Region.of(credentials.region() == null ? StorageDefaults.REGION : credentials.region()))
        .forcePathStyle(credentials.pathStyle())
        // no flexible-checksum trailers (aws-chunked): S3-compatible stores often lack them; Content-MD5 instead
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1))); // we retry ourselves, below
    if (credentials.endpoint() != null) builder.endpointOverride(credentials.endpoint());
    this.s3 = builder.build();
  }

  public StorageCredentials credentials() {
    return credentials;
  }

  public UploadSettings settings() {
    return settings;
  }

  /** The Content-Type of an object by its key's extension. */
  static String contentType(String key) {
    if (key.endsWith(".m4s")) return CONTENT_TYPE_M4S;
    if (key.endsWith(".mp4")) return CONTENT_TYPE_MP4;
    if (key.endsWith(".jpg")) return CONTENT_TYPE_JPEG;
    return CONTENT_TYPE;
  }

  /** Stores {@code bytes} at {@code key} in the credentials' bucket, retrying transient failures. */
  public void upload(String key, byte[] bytes) throws UploadException, InterruptedException {
    PutObjectRequest request = PutObjectRequest.builder()
        .bucket(credentials.bucket())
        .key(key)
        .contentType(contentType(key))
        .contentLength((long) bytes.length)
        .contentMD5(md5Base64(bytes)) // the store verifies the body it received
        .tagging(tagging(settings.tagsFor(key)))
        .storageClass(settings.tier() == null ? null : settings.tier().storageClass())
        .overrideConfiguration(o -> o.apiCallAttemptTimeout(attemptTimeout(bytes.length, settings.uplinkBytesPerSecond())))
        .build();
    int maxAttempts = settings.maxAttempts();
    for (int attempt = 1; ; attempt++) {
      try {
        // a provider over the array, not fromBytes: that copies the whole segment once more (heap budget)
        s3.putObject(request, RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes), bytes.length,
            CONTENT_TYPE));
        return;
      } catch (S3Exception e) {
        if (isAuthFailure(e)) throw new UploadAuthException("storage refused credentials: " + describe(e), e);
        boolean retryable = e.statusCode() >= 500 || e.statusCode() == 429;
        if (!retryable || attempt >= maxAttempts) throw new UploadException("upload failed: " + describe(e), e, retryable);
        LOG.warn("upload of {} failed ({}), attempt {}/{}", key, describe(e), attempt, maxAttempts);
      } catch (SdkClientException e) { // I/O error or attempt timeout: nothing reached the store, or no answer
        String tls = tlsRefusal(e);
        if (tls != null) {
          // nothing was sent: the store's certificate is not trusted, is expired or names another host; the same
          // answer comes until someone fixes the certificate or the camera's CA, so no retry here
          throw new UploadException("upload failed: TLS: the store's certificate was refused: " + tls, e, true);
        }
        if (refusedBeforeBody(e)) {
          // stores check the signature before reading the body and close the connection on a refusal; the JDK
          // client then reports the failed write, not the 403 (seen with 2 MiB bodies): treat it as refused
          // credentials, so the caller refreshes them; on a mere network fault the refresh costs one request
          throw new UploadAuthException("storage closed the connection before taking the body (refused "
              + "credentials, most likely): " + e.getMessage(), e);
        }
        if (attempt >= maxAttempts) throw new UploadException("upload failed: " + e.getMessage(), e, true);
        LOG.warn("upload of {} failed ({}), attempt {}/{}", key, e.getMessage(), attempt, maxAttempts);
      }
      Thread.sleep(backoffMs(attempt));
    }
  }

  /** The root cause's message when the TLS handshake failed (the server's certificate refused), else null. */
  static String tlsRefusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLHandshakeException) {
        Throwable root = t;
        while (root.getCause() != null) root = root.getCause();
        return root.getMessage();
      }
    }
    return null;
  }

  /** Full jitter: uniform in [0, min(cap, base · 2^(attempt−1))]. */
  static long backoffMs(int attempt) {
    long ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS << Math.min(attempt - 1, 20));
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  /** Base timeout plus the time the body takes at the slowest uplink we plan for. */
  static Duration attemptTimeout(long bytes, long uplinkBytesPerSecond) {
    return BASE_TIMEOUT.plusMillis(bytes * 1000 / uplinkBytesPerSecond);
  }

  /** The x-amz-tagging header value (URL query form), or null without tags. */
  static String tagging(Map<String, String> tags) {
    if (tags.isEmpty()) return null;
    return new TreeMap<>(tags).entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  /** RFC 3986 percent-encoding (a space is %20, not the form encoding's '+'). */
  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The store hung up while the request body was being written (what a refusal before reading looks like). */
  static boolean refusedBeforeBody(SdkClientException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("Error writing request body") || m.contains("Broken pipe"))) return true;
    }
    return false;
  }

  static boolean isAuthFailure(S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return e.statusCode() == 403 || (code != null && AUTH_ERRORS.contains(code));
  }

  private static String describe(S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return e.statusCode() + (code == null ? "" : " " + code);
  }

  private static String md5Base64(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every JVM", e);
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
