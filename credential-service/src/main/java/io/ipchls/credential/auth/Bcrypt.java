package io.ipchls.credential.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt (cost 10) on a small named worker pool, so a storm of camera logins can use at most {@link #THREADS} cores
 * and never an event loop. Owned by a verticle: made in start(), closed in stop().
 */
public final class Bcrypt implements AutoCloseable {
  public static final int COST = 10;
  public static final int THREADS = 2;
  /** bcrypt reads at most 72 bytes; longer or empty passwords are refused rather than truncated. */
  private static final int MAX_PASSWORD_CHARS = 72;

  private final WorkerExecutor workers;

  public Bcrypt(Vertx vertx) {
    this.workers = vertx.createSharedWorkerExecutor("ipchls-bcrypt", THREADS);
  }

  public Future<String> hash(String secret) {
    return workers.executeBlocking(() -> OpenBSDBCrypt.generate(secret.toCharArray(), Secrets.randomBytes(16), COST),
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
