package io.ipchls.credential.db;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/**
 * An account (issue 19 item 2) and the quota ingest's usage enforcement reads; null quota fields are no limit.
 * {@code hasAdminToken} says whether an account admin token exists, never what it is.
 */
public record Account(String id, String displayName, OffsetDateTime createdAt, Long quotaBytes, Integer quotaDays,
    String quotaPolicy, boolean hasAdminToken) {

  public static Account from(Row row) {
    return new Account(row.getString("id"), row.getString("display_name"), row.getOffsetDateTime("created_at"),
        row.getLong("quota_bytes"), row.getInteger("quota_days"), row.getString("quota_policy"),
        row.getBoolean("has_admin_token"));
  }

  /** The admin API view; times as UTC epoch ms. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("displayName", displayName)
        .put("createdAt", createdAt.toInstant().toEpochMilli())
        .put("quota", new JsonObject().put("bytes", quotaBytes).put("days", quotaDays).put("policy", quotaPolicy))
        .put("hasAdminToken", hasAdminToken);
  }
}
