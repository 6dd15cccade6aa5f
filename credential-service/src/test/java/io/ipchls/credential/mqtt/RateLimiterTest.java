package io.ipchls.credential.mqtt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.credential.CredentialConfig.RateLimit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RateLimiterTest {
  private final RateLimiter limiter = new RateLimiter(new RateLimit(/* burst= */ 2, /* refillSeconds= */ 10));

  @Test
  void burstIsAllowed_thenRefused() {
    useBurst("cam", 0);
    assertFalse(limiter.tryAcquire("cam", 0));
  }

  @Test
  void oneMoreAfterEachRefillInterval() {
    useBurst("cam", 0);
    assertFalse(limiter.tryAcquire("cam", 9_999));
    assertTrue(limiter.tryAcquire("cam", 10_000));
    assertFalse(limiter.tryAcquire("cam", 10_001));
  }

  @Test
  void camerasHaveTheirOwnBuckets() {
    useBurst("a", 0);
    assertFalse(limiter.tryAcquire("a", 0));
    assertTrue(limiter.tryAcquire("b", 0));
  }

  @Test
  void pruningAFullBucket_keepsTheLimit() {
    limiter.tryAcquire("cam", 0);
    limiter.prune(100_000);
    assertTrue(limiter.tryAcquire("cam", 100_000));
    assertTrue(limiter.tryAcquire("cam", 100_000));
    assertFalse(limiter.tryAcquire("cam", 100_000));
  }

  /** Takes the whole burst of 2 at {@code atMs}. */
  private void useBurst(String camera, long atMs) {
    assertTrue(limiter.tryAcquire(camera, atMs));
    assertTrue(limiter.tryAcquire(camera, atMs));
  }
}
