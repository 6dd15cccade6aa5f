package io.ipchls.credential.issuer;

import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.ProtocolException;
import io.ipchls.protocol.StorageKeyIndex;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster map {@link ClusterNames#S3_KEYS_BY_CAMERA}: camera id → {@link StorageKeyIndex} (JSON text), so that all live keys of a camera
 * can be revoked without scanning the key map. Updated by compare-and-set because several credential-service instances
 * may issue for the same camera at once. Entries have no TTL (Hazelcast's conditional replace cannot set one); expired
 * ids are pruned on every update, so an entry stays as small as the camera's live keys.
 */
final class KeyIndex {
  private static final Logger LOG = LoggerFactory.getLogger(KeyIndex.class);
  private static final int MAX_ATTEMPTS = 16;

  private final Vertx vertx;

  KeyIndex(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> add(String cameraId, String accessKeyId, long expiresAt) {
    return map().compose(m -> add(m, cameraId, accessKeyId, expiresAt, 1));
  }

  private Future<Void> add(AsyncMap<String, String> m, String cameraId, String keyId, long expiresAt, int attempt) {
    if (attempt > MAX_ATTEMPTS) return Future.failedFuture("key index for " + cameraId + " is too contended");
    return m.get(cameraId).compose(old -> {
      String next = read(cameraId, old).pruneAndAdd(System.currentTimeMillis(), keyId, expiresAt).toJson();
      Future<Boolean> written = old == null
          ? m.putIfAbsent(cameraId, next).map(prev -> prev == null)
          : m.replaceIfPresent(cameraId, old, next);
      return written.compose(ok -> ok ? Future.<Void>succeededFuture() : add(m, cameraId, keyId, expiresAt,
          attempt + 1));
    });
  }

  /** Removes the camera's entry and returns the key ids it listed (expired ones too: removing those is harmless). */
  Future<Set<String>> removeAll(String cameraId) {
    return map().compose(m -> m.remove(cameraId))
        .map(old -> read(cameraId, old).expiresAtByKeyId().keySet());
  }

  /** The entry's index; an unreadable entry is logged and counts as empty, so it is overwritten, never fatal. */
  private static StorageKeyIndex read(String cameraId, String json) {
    if (json == null) return StorageKeyIndex.EMPTY;
    try {
      return StorageKeyIndex.fromJson(json);
    } catch (ProtocolException e) {
      LOG.warn("key index of {} unreadable, replaced: {}", cameraId, e.getMessage());
      return StorageKeyIndex.EMPTY;
    }
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(ClusterNames.S3_KEYS_BY_CAMERA);
  }
}
