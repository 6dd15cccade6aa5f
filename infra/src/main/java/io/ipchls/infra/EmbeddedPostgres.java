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
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky binaries) listening on 127.0.0.1, with its cluster in a directory that is kept
 * between runs: starting again on the same directory finds the same data.
 *
 * <p>The application database {@value #DATABASE} is created if missing, in UTF-8 with C collation. Every connection
 * logs in with a password (SCRAM-SHA-256, RFC 7677): it is generated at the first start and kept in the cluster's
 * directory as {@value #PASSWORD_FILE}, readable by the owner only (whoever reads the cluster's files owns its data
 * anyway). zonky's {@code initdb} trusts every local connection; the first start sets the password while that holds,
 * then replaces {@code pg_hba.conf} and reloads it, so the cluster trusts nobody from then on.
 *
 * <p>Durable as a production server: {@code fsync} and {@code synchronous_commit} are on (zonky turns both off), so
 * a commit that returned survives a killed server and a crashed host.
 *
 * <p>When the JVM runs as root, zonky starts the server binaries through {@code unshare -U} (PostgreSQL refuses
 * to run as root); that needs unprivileged user namespaces. As a normal user the binaries run directly.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  /** Name of the application database. */
  public static final String DATABASE = StorageDefaults.DATABASE;
  private static final String USER = "postgres";
  private static final String HOST = "127.0.0.1";
  /** The password's file in the cluster's directory (written after {@code initdb}, which wants an empty one). */
  public static final String PASSWORD_FILE = "ipchls.password";
  /** The first line of a {@code pg_hba.conf} this class wrote. */
  static final String HBA_MARKER = "# ipc-hls: a password (scram-sha-256) for every connection, no trust";
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

  /** How long {@link #close()} waits for a shutdown another thread started (zonky's own shutdown hook). */
  private static final long STOP_WAIT_MS = 30_000;

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
  private final Path dataDir;
  private final String password;

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg, Path dataDir, String password) {
    this.pg = pg;
    this.dataDir = dataDir;
    this.password = password;
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
      Path passwordFile = dataDir.resolve(PASSWORD_FILE);
      if (passwordRequired(dataDir) && !Files.exists(passwordFile)) {
        throw new IOException(passwordFile + " is missing: this cluster requires its password");
      }
      String password = Files.exists(passwordFile) ? LocalPassword.read(passwordFile) : LocalPassword.generate();
      var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(true)
          .setPort(port)
          .setServerConfig("listen_addresses", HOST)
          .setServerConfig("max_connections", "200")
          .setServerConfig("password_encryption", "scram-sha-256")
          // zonky starts its servers for throwaway test data: fsync off (its -F, which a later -c overrides) and
          // synchronous_commit off. Ingest acknowledges a segment once its row is committed, so a commit must be on
          // disk when it returns: without these a killed server lost the last commits, a crashed host the cluster.
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          // zonky's own readiness check logs in too
          .setConnectConfig("password", password)
          .start();
      var started = new EmbeddedPostgres(pg, dataDir, password);
      started.requirePassword(dataDir, passwordFile);
      started.createDatabaseIfMissing();
      LOG.info("PostgreSQL listening on {}:{} with data in {}", HOST, pg.getPort(), dataDir);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
    }
  }

  private static boolean passwordRequired(Path dataDir) throws IOException {
    Path hba = dataDir.resolve("pg_hba.conf");
    return Files.exists(hba) && Files.readString(hba).startsWith(HBA_MARKER);
  }

  /**
   * Sets the password and makes {@code pg_hba.conf} require it, unless a previous start did (its first line is
   * {@link #HBA_MARKER}). A cluster from an older version, made with trust, is converted the same way.
   */
  private void requirePassword(Path dataDir, Path passwordFile) throws IOException {
    if (passwordRequired(dataDir)) return;
    Path hba = dataDir.resolve("pg_hba.conf");
    LocalPassword.write(passwordFile, password);
    try (Connection c = DriverManager.getConnection(pg.getJdbcUrl(USER, "postgres"), USER, password);
        Statement s = c.createStatement()) {
      s.execute("SET password_encryption = 'scram-sha-256'");
      // a utility statement takes no parameters; the password is base64url (no quote can occur in it)
      s.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
      Files.writeString(hba, HBA_MARKER + "\n"
          + "local all all scram-sha-256\n"
          + "host all all 127.0.0.1/32 scram-sha-256\n"
          + "host all all ::1/128 scram-sha-256\n");
      try (ResultSet rs = s.executeQuery("SELECT pg_reload_conf()")) {
        rs.next();
      }
      LOG.info("PostgreSQL in {} now requires a password (scram-sha-256)", dataDir);
    } catch (SQLException e) {
      close();
      throw new IOException("cannot set the password of PostgreSQL in " + dataDir, e);
    }
  }

  private void createDatabaseIfMissing() throws IOException {
    try (Connection c = DriverManager.getConnection(pg.getJdbcUrl(USER, "postgres"), USER, password);
        PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      q.setString(1, DATABASE);
      try (ResultSet rs = q.executeQuery()) {
        if (rs.next()) return;
      }
      try (Statement s = c.createStatement()) {
        // UTF-8 with C collation: every text the services compare or index is an identifier, an object key or a
        // code, compared byte by byte (as Java's String order for them); a locale's collation made every comparison
        // a strcoll() call (docs/ARCHITECTURE.md, "Deployment")
        s.execute("CREATE DATABASE " + DATABASE + " TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'");
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

  /** The generated password (kept in {@code <dataDir>/}{@value #PASSWORD_FILE}). */
  public String password() {
    return password;
  }

  /** The {@code db} section of a service's config that connects to this server. */
  public JsonObject dbSection() {
    return new JsonObject().put("host", host()).put("port", port()).put("database", DATABASE).put("user", USER)
        .put("password", password);
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/ipchls?user=postgres}; give {@link #password()} with it. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + HOST + ":" + port() + "/" + DATABASE + "?user=" + USER;
  }

  /**
   * Stops the server (fast shutdown) and returns once it is down; the data directory stays. Idempotent.
   *
   * <p>At JVM exit zonky's shutdown hook runs beside ours: when it got to stop the server first, zonky's close returns
   * at once, so we wait for the process named in {@code postmaster.pid} to exit before anyone deletes the directory
   * under it.
   */
  @Override
  public void close() {
    try {
      pg.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop PostgreSQL", e);
    }
    awaitStopped();
  }

  private void awaitStopped() {
    var postmaster = postmaster();
    if (postmaster.isEmpty()) return;
    try {
      postmaster.get().onExit().get(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("PostgreSQL in {} still running {} ms after stopping", dataDir, STOP_WAIT_MS);
    }
  }

  /** The running server named in {@code postmaster.pid} (its first line, the PID), if any. */
  Optional<ProcessHandle> postmaster() {
    try (var lines = Files.lines(dataDir.resolve("postmaster.pid"))) {
      return lines.findFirst().map(String::trim).map(Long::parseLong).flatMap(ProcessHandle::of)
          .filter(ProcessHandle::isAlive);
    } catch (IOException | UncheckedIOException | NumberFormatException e) {
      return Optional.empty(); // no file (stopped), or half written by a server only starting
    }
  }
}
