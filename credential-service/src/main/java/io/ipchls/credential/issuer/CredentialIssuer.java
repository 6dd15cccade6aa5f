package io.ipchls.credential.issuer;

import io.ipchls.credential.db.Device;
import io.ipchls.protocol.CredentialResponse;
import io.vertx.core.Future;

/**
 * Issues temporary storage credentials that allow PutObject under {@code bucket/<camera prefix>/} only. The embedded
 * issuer mints keys that the embedded S3 server looks up in a cluster map; an STS issuer (AssumeRole with a session
 * policy) can replace it for AWS.
 */
public interface CredentialIssuer {
  /** A successful response for {@code requestId}; the caller has checked that the camera is enabled. */
  Future<CredentialResponse> issue(Device camera, String requestId);

  /** Makes every live credential of the camera unusable at once (where the backend allows it). */
  Future<Void> revokeAll(String cameraId);
}
