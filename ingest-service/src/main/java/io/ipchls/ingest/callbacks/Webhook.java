package io.ipchls.ingest.callbacks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/** A registered webhook as stored; {@code salt} derives its secret (see {@link WebhookSecrets}) and is never shown. */
public record Webhook(String id, String url, String description, List<String> events, OffsetDateTime createdAt,
    OffsetDateTime secretRotatedAt, String salt) {
  static final String COLUMNS = "webhook_id, url, description, events, created_at, secret_rotated_at, secret_salt";

  static Webhook from(Row r) {
    String[] events = r.getArrayOfStrings("events");
    return new Webhook(r.getString("webhook_id"), r.getString("url"), r.getString("description"),
        events == null ? List.of() : Arrays.asList(events), r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("secret_rotated_at"), r.getString("secret_salt"));
  }

  /** The API's view: no salt, no secret. Times are epoch milliseconds. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("url", url).put("description", description)
        .put("events", new JsonArray(events)).put("createdAt", createdAt.toInstant().toEpochMilli())
        .put("secretRotatedAt", secretRotatedAt.toInstant().toEpochMilli());
  }
}
