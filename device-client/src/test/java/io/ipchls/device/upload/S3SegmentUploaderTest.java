package io.ipchls.device.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.LocalStack;
import io.ipchls.infra.S3Refusal;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The uploader against the embedded S3 server: every status is checked, and each failure is told apart. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class S3SegmentUploaderTest {
  static final LocalStack stack = LocalStack.sharedForTests();
  static final byte[] BODY = new byte[188 * 100];

  static StorageCredentials creds(String secret, URI endpoint, String bucket) {
    return new StorageCredentials(stack.options().s3AccessKey(), secret, null, endpoint, "us-east-1", bucket,
        "uploader", true, Long.MAX_VALUE);
  }

  static StorageCredentials good() {
    return creds(stack.options().s3SecretKey(), stack.s3().endpoint(), stack.s3().bucket());
  }

  @Test
  void upload_storesTheBytes_withContentTypeVideoMp2t() throws Exception {
    BODY[0] = 0x47;
    try (S3SegmentUploader up = new S3SegmentUploader(good(), UploadSettings.defaults())) {
      up.upload("uploader/2026/01/01/00/00/00.000-0.ts", BODY);
    }
    try (S3Client root = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            stack.options().s3AccessKey(), stack.options().s3SecretKey())))
        .region(Region.US_EAST_1).forcePathStyle(true).endpointOverride(stack.s3().endpoint()).build()) {
      var object = root.getObjectAsBytes(b -> b.bucket(stack.s3().bucket()).key("uploader/2026/01/01/00/00/00.000-0.ts"));
      assertEquals("video/mp2t", object.response().contentType());
      assertEquals(BODY.length, object.asByteArray().length);
    }
  }

  @Test
  void wrongSecret_403_isAnAuthFailure_atOnce() throws Exception {
    try (S3SegmentUploader up = new S3SegmentUploader(creds("wrong-secret", stack.s3().endpoint(),
        stack.s3().bucket()), UploadSettings.defaults())) {
      assertRefused(up, "uploader/wrong-secret.ts", BODY, "SignatureDoesNotMatch");
    }
  }

  @Test
  void unknownKey_withASegmentOf2MiB_isAnAuthFailure_notARetriedNetworkError() throws Exception {
    StorageCredentials unknown = new StorageCredentials("IPCUNKNOWNKEY0000000", "x".repeat(40), "token",
        stack.s3().endpoint(), "us-east-1", stack.s3().bucket(), "uploader", true, Long.MAX_VALUE);
    try (S3SegmentUploader up = new S3SegmentUploader(unknown, UploadSettings.defaults())) {
      // 2 MiB goes with Expect: 100-continue; the store still answers the 403 (infra's ReadBodyFirst), never a cut
      assertRefused(up, "uploader/unknown-key.ts", new byte[2 * 1024 * 1024], "InvalidAccessKeyId");
    }
  }

  /** The store's 403 with {@code code}, as an auth failure (fetch new credentials) at once, and nothing stored. */
  private static void assertRefused(S3SegmentUploader up, String key, byte[] body, String code) {
    UploadAuthException e = assertThrows(UploadAuthException.class, () -> up.upload(key, body));
    S3Exception refused = assertInstanceOf(S3Exception.class, e.getCause(), e.getMessage());
    assertEquals(403, refused.statusCode());
    assertEquals(code, refused.awsErrorDetails().errorCode());
    assertEquals("storage refused credentials: 403 " + code, e.getMessage());
    try (S3Client root = root()) {
      S3Refusal.assertNotWritten(root, stack.s3().bucket(), key);
    }
  }

  private static S3Client root() {
    return S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            stack.options().s3AccessKey(), stack.options().s3SecretKey())))
        .region(Region.US_EAST_1).forcePathStyle(true).endpointOverride(stack.s3().endpoint()).build();
  }

  @Test
  void missingBucket_404_isNotRetried_andNotRetryable() {
    try (S3SegmentUploader up = new S3SegmentUploader(creds(stack.options().s3SecretKey(), stack.s3().endpoint(),
        "no-such-bucket"), UploadSettings.defaults())) {
      UploadException e = assertThrows(UploadException.class, () -> up.upload("uploader/x.ts", BODY));
      assertFalse(e instanceof UploadAuthException);
      assertFalse(e.retryable());
      assertTrue(e.getMessage().contains("404"), e.getMessage());
    }
  }

  @Test
  void serverUnreachable_isRetried_thenRetryable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    URI dead = URI.create("http://127.0.0.1:" + port);
    try (S3SegmentUploader up = new S3SegmentUploader(creds("x", dead, "b"), new UploadSettings(3,
        UploadSettings.DEFAULT_UPLINK_BYTES_PER_SECOND, Map.of()))) {
      UploadException e = assertThrows(UploadException.class, () -> up.upload("uploader/x.ts", BODY));
      assertTrue(e.retryable());
    }
  }

  @Test
  void attemptTimeout_growsWithTheSegment_atTheConfiguredUplink() {
    assertEquals(Duration.ofSeconds(10), S3SegmentUploader.attemptTimeout(0, 32 * 1024));
    // a 2 MiB segment at 256 kbit/s takes 64 s: no fixed 4 s limit cuts it off
    assertEquals(Duration.ofSeconds(74), S3SegmentUploader.attemptTimeout(2 * 1024 * 1024, 32 * 1024));
    assertEquals(Duration.ofSeconds(12), S3SegmentUploader.attemptTimeout(2 * 1024 * 1024, 1024 * 1024));
  }

  @Test
  void backoff_isFullJitter_underACappedExponential() {
    for (int attempt = 1; attempt <= 12; attempt++) {
      long ceiling = Math.min(8_000, 500L << (attempt - 1));
      for (int i = 0; i < 200; i++) {
        long b = S3SegmentUploader.backoffMs(attempt);
        assertTrue(b >= 0 && b <= ceiling, attempt + ": " + b);
      }
    }
  }

  @Test
  void tags_areSentAsUrlEncodedQuery_sortedByKey() {
    assertNull(S3SegmentUploader.tagging(Map.of()));
    assertEquals("camera=cam%201&site=n%C3%B6rd%26s%C3%BCd",
        S3SegmentUploader.tagging(Map.of("site", "nörd&süd", "camera", "cam 1")));
    assertThrows(IllegalArgumentException.class, () -> UploadSettings.defaults().withTags(Map.of("", "x")));
  }
}
