package io.ipchls.device.mqtt;

import java.util.concurrent.ThreadLocalRandom;

/** The MQTT link's retry delays: reconnects and re-sent credential requests. */
final class Backoff {
  private static final long MAX_BACKOFF_MS = 60_000;

  private Backoff() {}

  /** Full jitter over a capped exponential: 1 s, 2 s, 4 s ... 60 s. */
  static long delayMs(int attempt) {
    long ceiling = Math.min(MAX_BACKOFF_MS, 1_000L << Math.min(attempt - 1, 16));
    return 1 + ThreadLocalRandom.current().nextLong(ceiling);
  }
}
