package io.ipchls.infra;

import static io.ipchls.infra.S3Refusal.assertPutDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.protocol.StorageKeyGrant;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every refused PUT reaches the client as its 403, whatever the body size: bodies from 1 MiB go with
 * {@code Expect: 100-continue}, which S3Proxy accepts before it refuses; before {@code ReadBodyFirst} most refusals
 * of 2 MiB bodies arrived as a cut connection. Each case runs many times in a row, since the cut was a race.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedS3RefusalTest {
  /** Rounds per case; -Dipchls.refusalRounds=200 hammers it harder. */
  static final int ROUNDS = Integer.getInteger("ipchls.refusalRounds", 25);

  static EmbeddedS3 s3;
  static S3Client root;

  @BeforeAll
  static void start(@TempDir Path dir) {
    long hour = 3_600_000;
    EmbeddedS3Test.GRANTS.put("tmp-hammer", new StorageKeyGrant("cam-h", "hammer-secret", EmbeddedS3Test.BUCKET,
        "cam-h", System.currentTimeMillis() + hour));
    EmbeddedS3Test.GRANTS.put("tmp-hammer-old", new StorageKeyGrant("cam-h", "old-secret", EmbeddedS3Test.BUCKET,
        "cam-h", System.currentTimeMillis() - 1));
    s3 = EmbeddedS3.start(EmbeddedS3Test.options(dir));
    root = EmbeddedS3Test.client(s3, AwsBasicCredentials.create(EmbeddedS3Test.ROOT, EmbeddedS3Test.ROOT_SECRET));
  }

  @AfterAll
  static void stop() {
    if (root != null) root.close();
    if (s3 != null) s3.close();
  }

  @ParameterizedTest(name = "{0} {1}/{2} to {3}: {4}")
  @CsvSource({
      "1, tmp-hammer, hammer-secret, cam-x/x.ts, AccessDenied",
      "2097152, tmp-hammer, hammer-secret, cam-x/x.ts, AccessDenied",
      "2097152, tmp-hammer-old, old-secret, cam-h/x.ts, AccessDenied",
      "1, tmp-unknown, whatever, cam-h/x.ts, InvalidAccessKeyId",
      "2097152, tmp-unknown, whatever, cam-h/x.ts, InvalidAccessKeyId",
      "1, tmp-hammer, not-the-secret, cam-h/x.ts, SignatureDoesNotMatch",
      "2097152, tmp-hammer, not-the-secret, cam-h/x.ts, SignatureDoesNotMatch"})
  void refusedPut_isA403_everyTime_andNothingIsWritten(int size, String key, String secret, String objectKey,
      String code) {
    byte[] body = new byte[size];
    try (S3Client c = EmbeddedS3Test.client(s3, AwsBasicCredentials.create(key, secret))) {
      for (int i = 0; i < ROUNDS; i++) {
        var refused = assertPutDenied(() -> c.putObject(b -> b.bucket(EmbeddedS3Test.BUCKET).key(objectKey),
            RequestBody.fromBytes(body)), root, EmbeddedS3Test.BUCKET, objectKey);
        assertEquals(code, refused.awsErrorDetails().errorCode(), "round " + i);
      }
    }
  }
}
