package io.ipchls.credential.db;

import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * The camera registry, its failed-login counts and its audit trail on one pool of a verticle's own: what the broker
 * login check, the credential requests and the admin API each open in {@code start()} and close in {@code stop()}.
 */
public record CameraStore(Pool pool, DeviceRepository devices, LoginFailures failures, AuditRepository audit,
    AccountRepository accounts) {

  public static CameraStore open(Vertx vertx, DbConfig db) {
    Pool pool = Database.pool(vertx, db);
    return new CameraStore(pool, new DeviceRepository(pool), new LoginFailures(pool), new AuditRepository(pool),
        new AccountRepository(pool));
  }

  public Future<Void> close() {
    return pool.close();
  }
}
