package io.ipchls.kit.config;

import io.vertx.core.json.JsonObject;

/** Where PostgreSQL is. The password is never printed. */
public record DbConfig(String host, int port, String database, String user, String password, int maxPoolSize) {
  public DbConfig {
    if (host == null || host.isBlank()) throw new ConfigException("db.host", "is required");
    if (database == null || database.isBlank()) throw new ConfigException("db.database", "is required");
    if (user == null || user.isBlank()) throw new ConfigException("db.user", "is required");
  }

  public static DbConfig from(Settings s) {
    return new DbConfig(
        s.string("host", "127.0.0.1"),
        s.integer("port", 5432, 1, 65535),
        s.string("database", "ipchls"),
        s.string("user", "postgres"),
        s.string("password", ""),
        s.integer("maxPoolSize", 8, 1, 256));
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port).put("database", database).put("user", user)
        .put("password", password).put("maxPoolSize", maxPoolSize);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return "DbConfig[" + user + "@" + host + ":" + port + "/" + database + ", pool=" + maxPoolSize + "]";
  }
}
