package io.ipchls.kit.config;

import io.ipchls.protocol.StorageDefaults;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Where PostgreSQL is. The password is never printed. {@code sslMode} is {@code disable} (default, the embedded
 * server), {@code verify-ca} or {@code verify-full} (TLS with the server certificate checked against the CA
 * certificates in the PEM file {@code sslRootCert}; verify-full also checks the host name). libpq's {@code require},
 * TLS without any check, is refused: it protects against nobody who can intercept the link.
 */
public record DbConfig(String host, int port, String database, String user, String password, int maxPoolSize,
    String sslMode, String sslRootCert) {
  private static final Set<String> SSL_MODES = Set.of("disable", "verify-ca", "verify-full");

  public DbConfig {
    if (host == null || host.isBlank()) throw new ConfigException("db.host", "is required");
    if (database == null || database.isBlank()) throw new ConfigException("db.database", "is required");
    if (user == null || user.isBlank()) throw new ConfigException("db.user", "is required");
    sslMode = sslMode == null ? "disable" : sslMode.trim();
    if (!SSL_MODES.contains(sslMode)) {
      throw new ConfigException("db.sslMode", "must be disable, verify-ca or verify-full, got '" + sslMode + "'");
    }
    sslRootCert = sslRootCert == null ? "" : sslRootCert.trim();
    if (!"disable".equals(sslMode) && sslRootCert.isEmpty()) {
      throw new ConfigException("db.sslRootCert", "is required with sslMode " + sslMode + " (PEM file of the CA)");
    }
  }

  /**
   * Without TLS: for the embedded server in tests and bench only. A service's own code takes its DbConfig from its
   * config ({@link #from}) and makes its pools in one place (ingest: {@code IngestPools}), so that no pool is built
   * without the TLS settings, as some once were with this constructor.
   */
  public DbConfig(String host, int port, String database, String user, String password, int maxPoolSize) {
    this(host, port, database, user, password, maxPoolSize, "disable", "");
  }

  /** The same server, account and TLS settings with another pool size (a service's small side pools). */
  public DbConfig withPoolSize(int size) {
    return new DbConfig(host, port, database, user, password, size, sslMode, sslRootCert);
  }

  public static final StringSetting HOST = StringSetting.named("host").byDefault("127.0.0.1");
  public static final IntSetting PORT = IntSetting.port("port", 5432);
  public static final StringSetting DATABASE = StringSetting.named("database").byDefault(StorageDefaults.DATABASE);
  public static final StringSetting USER = StringSetting.named("user").byDefault("postgres");
  public static final StringSetting PASSWORD = StringSetting.named("password").byDefault("");
  public static final IntSetting MAX_POOL_SIZE = IntSetting.named("maxPoolSize").byDefault(8).atLeast(1).atMost(256);
  public static final StringSetting SSL_MODE = StringSetting.named("sslMode").byDefault("disable");
  public static final StringSetting SSL_ROOT_CERT = StringSetting.named("sslRootCert").byDefault("");

  public static DbConfig from(Settings s) {
    return new DbConfig(HOST.read(s), PORT.read(s), DATABASE.read(s), USER.read(s), PASSWORD.read(s),
        MAX_POOL_SIZE.read(s), SSL_MODE.read(s), SSL_ROOT_CERT.read(s));
  }

  /** The {@code db} section's defaults. */
  public static JsonObject defaults() {
    return Setting.defaults(HOST, PORT, DATABASE, USER, PASSWORD, MAX_POOL_SIZE, SSL_MODE, SSL_ROOT_CERT);
  }

  /** True when the link is TLS with the server's certificate checked. */
  public boolean tls() {
    return !"disable".equals(sslMode);
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port).put("database", database).put("user", user)
        .put("password", password).put("maxPoolSize", maxPoolSize).put("sslMode", sslMode)
        .put("sslRootCert", sslRootCert);
  }

  public String jdbcUrl() {
    String url = "jdbc:postgresql://" + host + ":" + port + "/" + database;
    if (!tls()) return url;
    return url + "?sslmode=" + sslMode + "&sslrootcert=" + URLEncoder.encode(sslRootCert, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "DbConfig[" + user + "@" + host + ":" + port + "/" + database + ", pool=" + maxPoolSize
        + (tls() ? ", " + sslMode : "") + "]";
  }
}
