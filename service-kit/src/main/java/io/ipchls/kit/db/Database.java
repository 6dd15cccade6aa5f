package io.ipchls.kit.db;

import io.ipchls.kit.config.DbConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PostgreSQL access for services: Flyway migrations (JDBC, on a worker thread) and the reactive runtime pool. */
public final class Database {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private Database() {}

  public static Pool pool(Vertx vertx, DbConfig cfg) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(cfg.host())
        .setPort(cfg.port())
        .setDatabase(cfg.database())
        .setUser(cfg.user())
        .setPassword(cfg.password())
        .setCachePreparedStatements(true)
        .setReconnectAttempts(2)
        .setReconnectInterval(500);
    if (cfg.tls()) {
      connect.setSslMode("verify-full".equals(cfg.sslMode()) ? SslMode.VERIFY_FULL : SslMode.VERIFY_CA)
          .setSslOptions(new ClientSSLOptions()
              .setTrustOptions(new PemTrustOptions().addCertPath(cfg.sslRootCert()))
              .setHostnameVerificationAlgorithm("verify-full".equals(cfg.sslMode()) ? "HTTPS" : ""));
    }
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(cfg.maxPoolSize()).setName("ipchls-" + cfg.database()).setShared(false))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  /**
   * Applies the service's migrations from {@code classpath:db/<schema>} to its own schema. Each service owns one
   * schema and one Flyway history table, so services migrate independently.
   */
  public static Future<Void> migrate(Vertx vertx, DbConfig cfg, String schema) {
    return migrate(vertx, cfg, schema, schema, null);
  }

  /**
   * Applies the migrations of service {@code service} ({@code classpath:db/<service>}) to {@code schema}, up to
   * version {@code target} (null: the newest). With another schema or an earlier target this builds the schema a
   * service had at that version, beside the current one: how upgrades and the indexing benchmarks compare versions.
   */
  public static Future<Void> migrate(Vertx vertx, DbConfig cfg, String schema, String service, String target) {
    return vertx.executeBlocking(() -> {
      var flyway = Flyway.configure(Database.class.getClassLoader())
          .dataSource(cfg.jdbcUrl(), cfg.user(), cfg.password())
          .schemas(schema)
          .createSchemas(true)
          .locations("classpath:db/" + service)
          .connectRetries(10);
      var result = (target == null ? flyway : flyway.target(target)).load().migrate();
      LOG.info("schema {}: {} migration(s) applied, now at {}", schema, result.migrationsExecuted,
          result.targetSchemaVersion);
      return null;
    });
  }
}
