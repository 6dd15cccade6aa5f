package io.ipchls.credential.issuer;

import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.StorageKeyGrant;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded S3 server's view of the keys {@link EmbeddedKeyIssuer} mints: a lookup in the cluster map
 * {@link ClusterNames#S3_KEYS} ({@link GrantMap}). Blocking (the S3 server calls it on its own request threads), bounded by
 * {@link #TIMEOUT_MS}; a failed lookup is "unknown key", so S3 refuses.
 */
public final class EmbeddedKeys {
  public static final long TIMEOUT_MS = 5000;
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKeys.class);

  private EmbeddedKeys() {}

  /** The grant for {@code accessKeyId}; empty when unknown, revoked, expired from the map, or on failure. */
  public static Optional<StorageKeyGrant> find(Vertx vertx, String accessKeyId) {
    if (vertx == null) return Optional.empty();
    try {
      return new GrantMap(vertx).get(accessKeyId)
          .toCompletionStage().toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (Exception e) {
      LOG.warn("storage key lookup failed: {}", e.toString());
      return Optional.empty();
    }
  }
}
