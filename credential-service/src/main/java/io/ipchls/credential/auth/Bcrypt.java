package io.ipchls.credential.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt on a small named worker pool, so a storm of camera logins can use at most {@link #THREADS} cores and never an
 * event loop. New hashes use the configured cost; a check uses the cost stored in the hash. Owned by a verticle: made
 * in start(), closed in stop().
 */
public final class Bcrypt implements AutoCloseable {
  public static final int THREADS = 2;
  /** bcrypt reads at most 72 bytes; longer or empty passwords are refused rather than truncated. */
  private static final int MAX_PASSWORD_CHARS = 72;

  private final WorkerExecutor workers;
  private final int cost;

  public Bcrypt(Vertx vertx, int cost) {
    this.cost = cost;
    this.workers = vertx.createSharedWorkerExecutor("ipchls-bcrypt", THREADS);
  }

  public Future<String> hash(String secret) {
    return workers.executeBlocking(() -> OpenBSDBCrypt.generate(secret.toCharArray(), Secrets.randomBytes(16), cost),
        false);
  }

  /**
   * Checks {@code secret} against {@code hash}. A check still queued at {@code notAfterNanos} ({@link System#nanoTime})
   * fails with {@link TooLate} without hashing: its asker has given up, and in a login storm hashing for nobody would
   * only make everyone else later.
   */
  public Future<Boolean> verify(String secret, String hash, long notAfterNanos) {
    if (secret == null || secret.isEmpty() || secret.length() > MAX_PASSWORD_CHARS) {
      return Future.succeededFuture(false);
    }
    return workers.executeBlocking(() -> {
      if (System.nanoTime() - notAfterNanos > 0) throw new TooLate();
      return OpenBSDBCrypt.checkPassword(hash, secret.toCharArray());
    }, false);
  }

  /** A check dropped because it waited past its deadline. */
  public static final class TooLate extends RuntimeException {
    TooLate() {
      super("login check waited too long for a bcrypt worker", null, /* enableSuppression= */ false,
          /* writableStackTrace= */ false);
    }
  }

  @Override
  public void close() {
    workers.close();
  }
}
