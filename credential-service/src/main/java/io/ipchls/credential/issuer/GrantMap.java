package io.ipchls.credential.issuer;

import io.ipchls.kit.cluster.ClusterSeal;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.StorageKeyGrant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster map {@link ClusterNames#S3_KEYS}: access key id → its {@link StorageKeyGrant}, sealed
 * ({@link ClusterSeal}) for that access key id, so the secret key never rests in the map in clear and a grant copied
 * under another key id does not open. A value that does not open (another cluster's secret, changed, not sealed) is
 * an unknown key: the S3 server refuses it.
 */
public final class GrantMap {
  private static final Logger LOG = LoggerFactory.getLogger(GrantMap.class);

  private final Vertx vertx;

  public GrantMap(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Stores {@code grant} under {@code accessKeyId} for {@code ttlMs}. */
  public Future<Void> put(String accessKeyId, StorageKeyGrant grant, long ttlMs) {
    String sealed = ClusterSeal.of(vertx).seal(purpose(accessKeyId), grant.toJson());
    return map().compose(m -> m.put(accessKeyId, sealed, ttlMs));
  }

  /** The grant stored under {@code accessKeyId}; empty when there is none or it does not open. */
  public Future<Optional<StorageKeyGrant>> get(String accessKeyId) {
    return map().compose(m -> m.get(accessKeyId)).map(sealed -> {
      if (sealed == null) return Optional.empty();
      try {
        return Optional.of(StorageKeyGrant.fromJson(ClusterSeal.of(vertx).open(purpose(accessKeyId), sealed)));
      } catch (ClusterSeal.SealException e) {
        LOG.warn("storage key {} refused: its grant {}", accessKeyId, e.getMessage());
        return Optional.empty();
      }
    });
  }

  public Future<Void> remove(String accessKeyId) {
    return map().compose(m -> m.remove(accessKeyId)).mapEmpty();
  }

  private static String purpose(String accessKeyId) {
    return ClusterNames.S3_KEYS + "\n" + accessKeyId;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(ClusterNames.S3_KEYS);
  }
}
