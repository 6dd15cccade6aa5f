package io.ipchls.credential.issuer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Set;

/**
 * Cluster map camera id → {@code {"<accessKeyId>": expiresAtMs, ...}} (JSON text), so that all live keys of a camera
 * can be revoked without scanning the key map. Updated by compare-and-set because several credential-service instances
 * may issue for the same camera at once. Entries have no TTL (Hazelcast's conditional replace cannot set one); expired
 * ids are pruned on every update, so an entry stays as small as the camera's live keys.
 */
final class KeyIndex {
  static final String MAP = "ipchls.s3.keys.by-camera";
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
      JsonObject next = prune(old == null ? new JsonObject() : new JsonObject(old), System.currentTimeMillis());
      next.put(keyId, expiresAt);
      Future<Boolean> written = old == null
          ? m.putIfAbsent(cameraId, next.encode()).map(prev -> prev == null)
          : m.replaceIfPresent(cameraId, old, next.encode());
      return written.compose(ok -> ok ? Future.<Void>succeededFuture() : add(m, cameraId, keyId, expiresAt,
          attempt + 1));
    });
  }

  /** Removes the camera's entry and returns the key ids it listed (expired ones too: removing those is harmless). */
  Future<Set<String>> removeAll(String cameraId) {
    return map().compose(m -> m.remove(cameraId))
        .map(old -> old == null ? Set.<String>of() : new JsonObject(old).fieldNames());
  }

  private static JsonObject prune(JsonObject keys, long nowMs) {
    JsonObject live = new JsonObject();
    keys.forEach(e -> {
      if (e.getValue() instanceof Number n && n.longValue() > nowMs) live.put(e.getKey(), n.longValue());
    });
    return live;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }
}
