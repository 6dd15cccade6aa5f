package io.ipchls.credential.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Failed broker logins per key in {@code credential.login_failures} (V4), shared by every credential-service instance
 * through the database: {@code id:<camera id>} and {@code addr:<source address>}. A window starts with a key's first
 * failure and lasts {@code windowSeconds}; {@link DeviceRepository#findForLogin} reads the counts with the camera's
 * row. Never holds a secret.
 */
public final class LoginFailures {
  static final String RECORD = "INSERT INTO credential.login_failures AS f (key, failures, window_start) "
      + "SELECT k, 1, now() FROM unnest($1::text[]) k "
      + "ON CONFLICT (key) DO UPDATE SET "
      + "failures = CASE WHEN f.window_start > now() - $2::int * interval '1 second' THEN f.failures + 1 ELSE 1 END, "
      + "window_start = CASE WHEN f.window_start > now() - $2::int * interval '1 second' "
      + "THEN f.window_start ELSE now() END";
  static final String CLEAR = "DELETE FROM credential.login_failures WHERE key = $1";
  static final String PURGE =
      "DELETE FROM credential.login_failures WHERE window_start < now() - $1::int * interval '1 second'";

  private final Pool pool;

  public LoginFailures(Pool pool) {
    this.pool = pool;
  }

  public static String idKey(String cameraId) {
    return "id:" + cameraId;
  }

  /** Null when the address is unknown. */
  public static String addressKey(String sourceAddress) {
    return sourceAddress == null || sourceAddress.isBlank() ? null : "addr:" + sourceAddress;
  }

  /** Counts one failure against each of {@code keys} (distinct, non-null). */
  public Future<Void> record(List<String> keys, int windowSeconds) {
    return pool.preparedQuery(RECORD).execute(Tuple.of(keys.toArray(String[]::new), windowSeconds)).mapEmpty();
  }

  /** Forgets a key's failures (a camera that logged in with its secret). */
  public Future<Void> clear(String key) {
    return pool.preparedQuery(CLEAR).execute(Tuple.of(key)).mapEmpty();
  }

  /** Deletes windows that have passed; the number deleted. */
  public Future<Integer> purge(int windowSeconds) {
    return pool.preparedQuery(PURGE).execute(Tuple.of(windowSeconds)).map(rows -> rows.rowCount());
  }
}
