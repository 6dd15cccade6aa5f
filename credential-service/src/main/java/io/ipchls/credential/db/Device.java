package io.ipchls.credential.db;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/**
 * A registered camera. {@code secretHash} is in {@code secretScheme} ({@link io.ipchls.credential.auth.SecretHashes})
 * and never leaves this service; {@code secretVersion} grows with each rotation.
 */
public record Device(
    String id, String secretHash, String secretScheme, int secretVersion, String prefix, boolean enabled,
    OffsetDateTime createdAt, OffsetDateTime lastSeenAt, String accountId) {

  public static Device from(Row row) {
    return new Device(
        row.getString("id"),
        row.getString("secret_hash"),
        row.getString("secret_scheme"),
        row.getInteger("secret_version"),
        row.getString("prefix"),
        row.getBoolean("enabled"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("last_seen_at"),
        row.getColumnIndex("account_id") < 0 ? null : row.getString("account_id"));
  }

  /** The admin API view: everything but the hash; times as UTC epoch ms. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("prefix", prefix)
        .put("enabled", enabled)
        .put("createdAt", createdAt == null ? null : createdAt.toInstant().toEpochMilli())
        .put("lastSeenAt", lastSeenAt == null ? null : lastSeenAt.toInstant().toEpochMilli())
        .put("account", accountId);
  }

  @Override
  public String toString() {
    return "Device[id=" + id + ", prefix=" + prefix + ", enabled=" + enabled + ", account=" + accountId + "]";
  }
}
