package io.ipchls.infra;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Test support: asserts that an S3 call made with the AWS SDK is refused by the store. The refusal is the 403 or,
 * when the store answers before taking the request body and closes the connection while the client still sends it
 * (S3Proxy does, seen in CI), the SDK's client-side failure for that cut; the latter is printed so it stays visible.
 * A call that succeeds, or fails with any other status, fails the assertion.
 */
public final class S3Refusal {
  private S3Refusal() {}

  public static void assertDenied(Runnable call) {
    try {
      call.run();
    } catch (S3Exception e) {
      if (e.statusCode() != 403) throw new AssertionError("expected 403, got " + e.awsErrorDetails(), e);
      return;
    } catch (SdkClientException e) {
      System.err.println("refused by closing the connection: " + e);
      return;
    }
    throw new AssertionError("expected the store to refuse the call, but it succeeded");
  }
}
