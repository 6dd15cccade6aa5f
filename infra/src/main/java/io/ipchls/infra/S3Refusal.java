package io.ipchls.infra;

import java.util.Set;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Test support: asserts that the store refused an S3 call with a 403, as a camera would see it, and (for writes) that
 * nothing was stored. A cut connection is not a refusal: {@link EmbeddedS3} reads a body before it answers (see
 * {@code ReadBodyFirst}), so every refusal arrives as its 403; any other outcome fails the assertion.
 */
public final class S3Refusal {
  /** The S3 error codes of a refusal: a grant's or policy's AccessDenied, an unknown key, a wrong secret. */
  public static final Set<String> REFUSAL_CODES = Set.of("AccessDenied", "InvalidAccessKeyId",
      "SignatureDoesNotMatch");

  private S3Refusal() {}

  /** The call must fail with HTTP 403 and, where the answer has a body (not HEAD), a refusal error code. */
  public static S3Exception assertDenied(Runnable call) {
    try {
      call.run();
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if (e.statusCode() != 403) throw new AssertionError("expected 403, got " + e.statusCode() + " " + code, e);
      // a HEAD's 403 has no body, so the SDK has no S3 code for it: nothing, or the status line ("403 Forbidden")
      if (code != null && !code.startsWith("403") && !REFUSAL_CODES.contains(code)) {
        throw new AssertionError("expected 403 with one of " + REFUSAL_CODES + ", got " + code, e);
      }
      return e;
    } catch (RuntimeException e) {
      throw new AssertionError("expected a 403 from the store, got " + e, e);
    }
    throw new AssertionError("expected the store to refuse the call with 403, but it succeeded");
  }

  /** {@link #assertDenied} for a PUT, then, as the store's root, that {@code bucket/key} does not exist. */
  public static S3Exception assertPutDenied(Runnable put, S3Client root, String bucket, String key) {
    S3Exception refused = assertDenied(put);
    assertNotWritten(root, bucket, key);
    return refused;
  }

  /** As the store's root: {@code bucket/key} answers 404. */
  public static void assertNotWritten(S3Client root, String bucket, String key) {
    try {
      root.headObject(b -> b.bucket(bucket).key(key));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) return;
      throw new AssertionError("expected 404 for " + bucket + "/" + key + ", got " + e.statusCode(), e);
    }
    throw new AssertionError(bucket + "/" + key + " was written");
  }
}
