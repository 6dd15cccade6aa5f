package io.ipchls.credential.issuer;

import io.ipchls.credential.db.Device;
import io.ipchls.protocol.CredentialResponse;
import io.vertx.core.Future;

/**
 * Issues temporary storage credentials that allow PutObject under {@code bucket/<camera prefix>/} only. The embedded
 * issuer ({@link EmbeddedKeyIssuer}) mints keys that the embedded S3 server looks up in a cluster map; the STS issuer
 * ({@link StsIssuer}: AssumeRole with a session policy) serves AWS S3 and MinIO. Chosen by the {@code issuer} setting.
 */
public interface CredentialIssuer extends AutoCloseable {
  /** A successful response for {@code requestId}; the caller has checked that the camera is enabled. */
  Future<CredentialResponse> issue(Device camera, String requestId);

  /** Makes every live credential of the camera unusable at once (where the backend allows it). */
  Future<Void> revokeAll(String cameraId);

  /** Releases clients the issuer holds; called when credential-service stops. */
  @Override
  default void close() {}
}
