package io.ipchls.infra;

import static io.ipchls.infra.S3Refusal.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.protocol.StorageKeyGrant;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedS3Test {
  static final String ROOT = "root-key";
  static final String ROOT_SECRET = "root-secret";
  static final String BUCKET = "recordings";
  static final Map<String, StorageKeyGrant> GRANTS = new ConcurrentHashMap<>();
  static final long HOUR = 3_600_000;

  static EmbeddedS3 s3;
  static S3Client root;

  @BeforeAll
  static void start(@TempDir Path dir) {
    s3 = EmbeddedS3.start(options(dir));
    root = client(s3, AwsBasicCredentials.create(ROOT, ROOT_SECRET));
    root.createBucket(b -> b.bucket("other"));
    GRANTS.put("tmp-live", new StorageKeyGrant("cam-a", "live-secret", BUCKET, "cam-a", now() + HOUR));
    GRANTS.put("tmp-other", new StorageKeyGrant("cam-a", "other-secret", "other", "cam-a", now() + HOUR));
    GRANTS.put("tmp-expired", new StorageKeyGrant("cam-a", "old-secret", BUCKET, "cam-a", now() - 1));
  }

  @AfterAll
  static void stop() {
    if (root != null) root.close();
    if (s3 != null) s3.close();
  }

  static S3Options options(Path dir) {
    return new S3Options(dir, null, 0, BUCKET, "eu-west-1", ROOT, ROOT_SECRET,
        id -> Optional.ofNullable(GRANTS.get(id)));
  }

  @Test
  void rootKey_putThenGet_andObjectSurvivesRestart(@TempDir Path dir) {
    try (EmbeddedS3 first = EmbeddedS3.start(options(dir));
        S3Client c = client(first, AwsBasicCredentials.create(ROOT, ROOT_SECRET))) {
      assertEquals(URI.create("http://127.0.0.1:" + first.endpoint().getPort()), first.endpoint());
      c.putObject(b -> b.bucket(BUCKET).key("cam-a/2025/01/01/00/00/00.000-0.ts"), RequestBody.fromString("ts"));
      assertEquals("ts", c.getObjectAsBytes(b -> b.bucket(BUCKET).key("cam-a/2025/01/01/00/00/00.000-0.ts"))
          .asUtf8String());
    }
    try (EmbeddedS3 again = EmbeddedS3.start(options(dir));
        S3Client c = client(again, AwsBasicCredentials.create(ROOT, ROOT_SECRET))) {
      assertEquals("ts", c.getObjectAsBytes(b -> b.bucket(BUCKET).key("cam-a/2025/01/01/00/00/00.000-0.ts"))
          .asUtf8String());
    }
  }

  @Test
  void temporaryKey_mayPutUnderItsPrefix() {
    try (S3Client c = temp("tmp-live", "live-secret")) {
      c.putObject(b -> b.bucket(BUCKET).key("cam-a/x.ts"), RequestBody.fromString("segment"));
    }
    assertEquals("segment", root.getObjectAsBytes(b -> b.bucket(BUCKET).key("cam-a/x.ts")).asUtf8String());
  }

  @Test
  void temporaryKey_withSessionToken_mayPut() {
    var creds = AwsSessionCredentials.create("tmp-live", "live-secret", "opaque-session-token");
    try (S3Client c = client(s3, creds)) {
      c.putObject(b -> b.bucket(BUCKET).key("cam-a/token.ts"), RequestBody.fromString("t"));
    }
    assertEquals("t", root.getObjectAsBytes(b -> b.bucket(BUCKET).key("cam-a/token.ts")).asUtf8String());
  }

  @Test
  void temporaryKey_mayUploadMultipartUnderItsPrefix() {
    try (S3Client c = temp("tmp-live", "live-secret")) {
      String id = c.createMultipartUpload(b -> b.bucket(BUCKET).key("cam-a/mp.ts")).uploadId();
      String etag = c.uploadPart(b -> b.bucket(BUCKET).key("cam-a/mp.ts").uploadId(id).partNumber(1),
          RequestBody.fromString("multi")).eTag();
      c.completeMultipartUpload(b -> b.bucket(BUCKET).key("cam-a/mp.ts").uploadId(id).multipartUpload(
          CompletedMultipartUpload.builder().parts(CompletedPart.builder().partNumber(1).eTag(etag).build())
              .build()));
    }
    assertEquals("multi", root.getObjectAsBytes(b -> b.bucket(BUCKET).key("cam-a/mp.ts")).asUtf8String());
  }

  @Test
  void temporaryKey_putUnderAnotherPrefix_isDenied() {
    assertPutDenied("tmp-live", "live-secret", BUCKET, "cam-b/x.ts");
  }

  @Test
  void temporaryKey_putWithDotDotEscape_isDenied_andNothingIsWritten() {
    assertPutDenied("tmp-live", "live-secret", BUCKET, "cam-a/../cam-b/x.ts");
    S3Refusal.assertNotWritten(root, BUCKET, "cam-b/x.ts");
  }

  @Test
  void temporaryKey_putWithEmptySegment_isDenied() {
    assertPutDenied("tmp-live", "live-secret", BUCKET, "cam-a//empty-segment.ts");
  }

  @Test
  void temporaryKey_putOnThePrefixItself_isDenied() {
    assertPutDenied("tmp-live", "live-secret", BUCKET, "cam-a");
  }

  @Test
  void temporaryKey_putIntoAnotherBucket_isDenied() {
    assertPutDenied("tmp-live", "live-secret", "other", "cam-a/other-bucket.ts");
  }

  @Test
  void temporaryKey_getOfItsOwnObject_isDenied() {
    root.putObject(b -> b.bucket(BUCKET).key("cam-a/own.ts"), RequestBody.fromString("own"));
    try (S3Client c = temp("tmp-live", "live-secret")) {
      assertDenied(() -> c.getObjectAsBytes(b -> b.bucket(BUCKET).key("cam-a/own.ts")));
      assertDenied(() -> c.headObject(b -> b.bucket(BUCKET).key("cam-a/own.ts")));
      assertDenied(() -> c.deleteObject(b -> b.bucket(BUCKET).key("cam-a/own.ts")));
    }
    assertEquals("own", root.getObjectAsBytes(b -> b.bucket(BUCKET).key("cam-a/own.ts")).asUtf8String());
  }

  @Test
  void temporaryKey_list_isDenied() {
    try (S3Client c = temp("tmp-live", "live-secret")) {
      assertDenied(() -> c.listObjectsV2(b -> b.bucket(BUCKET).prefix("cam-a/")));
      assertDenied(c::listBuckets);
    }
  }

  @Test
  void expiredKey_put_isDenied() {
    assertPutDenied("tmp-expired", "old-secret", BUCKET, "cam-a/late.ts");
  }

  @Test
  void unknownKey_put_isDenied() {
    assertPutDenied("tmp-unknown", "whatever", BUCKET, "cam-a/unknown-key.ts");
  }

  @Test
  void knownKey_withWrongSecret_isDenied() {
    assertPutDenied("tmp-live", "not-the-secret", BUCKET, "cam-a/wrong-secret.ts");
  }

  private static void assertPutDenied(String key, String secret, String bucket, String objectKey) {
    try (S3Client c = temp(key, secret)) {
      S3Refusal.assertPutDenied(() -> c.putObject(b -> b.bucket(bucket).key(objectKey), RequestBody.fromString("x")),
          root, bucket, objectKey);
    }
  }

  private static S3Client temp(String key, String secret) {
    return client(s3, AwsBasicCredentials.create(key, secret));
  }

  static S3Client client(EmbeddedS3 s3, AwsCredentials credentials) {
    return S3Client.builder()
        .endpointOverride(s3.endpoint())
        .region(Region.of(s3.region()))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
