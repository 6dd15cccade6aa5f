package io.ipchls.credential.broker;

import io.ipchls.kit.crypto.Sha256;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

/**
 * Recent successful camera logins, keyed by camera id with SHA-256 of the secret, so that a reconnect storm does not
 * re-run bcrypt for every camera. Confined to one verticle's event loop. Any invalidation bumps an epoch; a lookup that
 * started before an invalidation is not cached, so a disable racing with a login cannot leave a stale entry.
 */
final class AuthCache {
  static final int MAX_ENTRIES = 100_000;

  private record Entry(byte[] secretSha256, long expiresAt) {}

  private final Map<String, Entry> entries = new HashMap<>();
  private final long ttlMs;
  private long epoch;

  AuthCache(long ttlMs) {
    this.ttlMs = ttlMs;
  }

  long epoch() {
    return epoch;
  }

  boolean matches(String cameraId, String secret, long nowMs) {
    Entry e = entries.get(cameraId);
    if (e == null) return false;
    if (e.expiresAt <= nowMs) {
      entries.remove(cameraId);
      return false;
    }
    return MessageDigest.isEqual(e.secretSha256, Sha256.of(secret));
  }

  void put(String cameraId, String secret, long nowMs, long epochAtLookup) {
    if (epochAtLookup != epoch) return;
    if (entries.size() >= MAX_ENTRIES) entries.clear();
    entries.put(cameraId, new Entry(Sha256.of(secret), nowMs + ttlMs));
  }

  void invalidate(String cameraId) {
    epoch++;
    entries.remove(cameraId);
  }
}
