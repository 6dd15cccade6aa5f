package io.ipchls.infra;

import io.ipchls.protocol.StorageDefaults;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky binaries) listening on 127.0.0.1, with its cluster in a directory that is kept
 * between runs: starting again on the same directory finds the same data.
 *
 * <p>The application database {@value #DATABASE} is created if missing. Authentication is {@code trust} on the
 * loopback interface (the zonky default), so {@link #password()} is accepted but not checked.
 *
 * <p>When the JVM runs as root, zonky starts the server binaries through {@code unshare -U} (PostgreSQL refuses
 * to run as root); that needs unprivileged user namespaces. As a normal user the binaries run directly.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  /** Name of the application database. */
  public static final String DATABASE = StorageDefaults.DATABASE;
  private static final String USER = "postgres";
  private static final String PASSWORD = "postgres";
  private static final String HOST = "127.0.0.1";
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg) {
    this.pg = pg;
  }

  /**
   * Starts PostgreSQL on {@code dataDir} (created and initialised on first use, reused afterwards).
   *
   * @param port TCP port on 127.0.0.1, or 0 for a free one
   * @throws UncheckedIOException if the server cannot start
   */
  public static EmbeddedPostgres start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
      var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(true)
          .setPort(port)
          .setServerConfig("listen_addresses", HOST)
          .setServerConfig("max_connections", "200")
          .start();
      var started = new EmbeddedPostgres(pg);
      started.createDatabaseIfMissing();
      LOG.info("PostgreSQL listening on {}:{} with data in {}", HOST, pg.getPort(), dataDir);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
    }
  }

  private void createDatabaseIfMissing() throws IOException {
    try (Connection c = DriverManager.getConnection(pg.getJdbcUrl(USER, "postgres"), USER, PASSWORD);
        PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      q.setString(1, DATABASE);
      try (ResultSet rs = q.executeQuery()) {
        if (rs.next()) return;
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      close();
      throw new IOException("cannot create database " + DATABASE, e);
    }
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return pg.getPort();
  }

  /** The application database, {@value #DATABASE}. */
  public String database() {
    return DATABASE;
  }

  public String user() {
    return USER;
  }

  public String password() {
    return PASSWORD;
  }

  /** The {@code db} section of a service's config that connects to this server. */
  public JsonObject dbSection() {
    return new JsonObject().put("host", host()).put("port", port()).put("database", DATABASE).put("user", USER)
        .put("password", PASSWORD);
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/ipchls?user=postgres}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + HOST + ":" + port() + "/" + DATABASE + "?user=" + USER;
  }

  /** Stops the server (fast shutdown); the data directory stays. Idempotent. */
  @Override
  public void close() {
    try {
      pg.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop PostgreSQL", e);
    }
  }
}
