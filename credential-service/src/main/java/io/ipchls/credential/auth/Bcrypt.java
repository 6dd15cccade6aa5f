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

  public Future<Boolean> verify(String secret, String hash) {
    if (secret == null || secret.isEmpty() || secret.length() > MAX_PASSWORD_CHARS) {
      return Future.succeededFuture(false);
    }
    return workers.executeBlocking(() -> OpenBSDBCrypt.checkPassword(hash, secret.toCharArray()), false);
  }

  @Override
  public void close() {
    workers.close();
  }
}
