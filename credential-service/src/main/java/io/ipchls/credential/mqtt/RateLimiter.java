package io.ipchls.credential.mqtt;

import io.ipchls.credential.CredentialConfig.RateLimit;
import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per camera: {@code burst} requests at once, then one every {@code refillSeconds}. Confined to one
 * verticle's event loop. Buckets that have filled up again carry no information and are dropped by {@link #prune},
 * so memory follows the cameras that asked recently, not all cameras.
 */
final class RateLimiter {
  private static final class Bucket {
    double tokens;
    long updatedAt;

    Bucket(double tokens, long updatedAt) {
      this.tokens = tokens;
      this.updatedAt = updatedAt;
    }
  }

  private final Map<String, Bucket> buckets = new HashMap<>();
  private final int burst;
  private final double tokensPerMs;

  RateLimiter(RateLimit limit) {
    this.burst = limit.burst();
    this.tokensPerMs = 1.0 / (limit.refillSeconds() * 1000.0);
  }

  /** Takes one token from the camera's bucket; false when it is empty. */
  boolean tryAcquire(String cameraId, long nowMs) {
    Bucket b = buckets.computeIfAbsent(cameraId, id -> new Bucket(burst, nowMs));
    refill(b, nowMs);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Forgets buckets that are full again. */
  void prune(long nowMs) {
    buckets.values().removeIf(b -> {
      refill(b, nowMs);
      return b.tokens >= burst;
    });
  }

  private void refill(Bucket b, long nowMs) {
    b.tokens = Math.min(burst, b.tokens + (nowMs - b.updatedAt) * tokensPerMs);
    b.updatedAt = nowMs;
  }
}
