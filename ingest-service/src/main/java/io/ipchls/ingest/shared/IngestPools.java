package io.ipchls.ingest.shared;

import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.db.Database;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that makes ingest's database pools. Every pool (listener, HTTP, retention, partitions, event
 * dispatcher, webhook delivery, camera control, recording control) comes from the service's own {@link DbConfig},
 * with only its name and size chosen by the caller, so none can lose the TLS settings (sslMode, sslRootCert) again,
 * as four of them once did when each built its config itself. Components get this, never a {@code DbConfig}.
 */
public final class IngestPools {
  private static final Logger LOG = LoggerFactory.getLogger(IngestPools.class);

  private final DbConfig db;

  public IngestPools(DbConfig db) {
    this.db = db;
  }

  /** A pool of at most {@code size} connections; the caller closes it (in its verticle's {@code stop()}). */
  public Pool open(Vertx vertx, String name, int size) {
    LOG.debug("database pool {}: {} connection(s) to {}", name, size, db);
    return Database.pool(vertx, db.withPoolSize(size));
  }

  /** The configured {@code db.maxPoolSize}: the size of the pool that carries the segment writes. */
  public int maxPoolSize() {
    return db.maxPoolSize();
  }
}
