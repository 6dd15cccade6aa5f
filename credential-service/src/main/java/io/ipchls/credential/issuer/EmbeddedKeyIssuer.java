package io.ipchls.credential.issuer;

import io.ipchls.credential.auth.Secrets;
import io.ipchls.credential.db.Device;
import io.ipchls.kit.config.S3Config;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.CredentialResponse;
import io.ipchls.protocol.StorageKeyGrant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Mints storage keys for the embedded S3 server: each key is a {@link StorageKeyGrant}, sealed, in the cluster map
 * {@link ClusterNames#S3_KEYS} ({@link GrantMap}) with a TTL equal to its lifetime, and is indexed per camera so it can be revoked.
 */
public final class EmbeddedKeyIssuer implements CredentialIssuer {
  /** AWS-shaped: 20 upper-case alphanumerics; "IPC" tells our keys apart in logs. */
  static final String KEY_ID_PREFIX = "IPC";
  static final int KEY_ID_LENGTH = 20;
  static final int SECRET_LENGTH = 40;

  private final S3Config s3;
  private final String endpoint;
  private final long lifetimeMs;
  private final KeyIndex index;
  private final GrantMap grants;

  public EmbeddedKeyIssuer(Vertx vertx, S3Config s3, String cameraEndpoint, int lifetimeSeconds) {
    this.s3 = s3;
    this.endpoint = cameraEndpoint;
    this.lifetimeMs = lifetimeSeconds * 1000L;
    this.index = new KeyIndex(vertx);
    this.grants = new GrantMap(vertx);
  }

  @Override
  public Future<CredentialResponse> issue(Device camera, String requestId) {
    String keyId = KEY_ID_PREFIX + Secrets.upperAlnum(KEY_ID_LENGTH - KEY_ID_PREFIX.length());
    String secret = Secrets.alnum(SECRET_LENGTH);
    long expiresAt = System.currentTimeMillis() + lifetimeMs;
    StorageKeyGrant grant = new StorageKeyGrant(camera.id(), secret, s3.bucket(), camera.prefix(), expiresAt);
    return grants.put(keyId, grant, lifetimeMs)
        .compose(v -> index.add(camera.id(), keyId, expiresAt))
        .map(v -> new CredentialResponse(1, requestId, keyId, secret, Secrets.base64Url(24), expiresAt, endpoint,
            s3.region(), s3.bucket(), camera.prefix(), s3.pathStyle(), null));
  }

  @Override
  public Future<Void> revokeAll(String cameraId) {
    return index.removeAll(cameraId).compose(ids -> {
      List<Future<?>> removals = new ArrayList<>();
      ids.forEach(id -> removals.add(grants.remove(id)));
      return Future.all(removals).mapEmpty();
    });
  }
}
