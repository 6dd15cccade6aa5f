package io.ipchls.kit.cluster;

import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.ProtocolException;
import io.vertx.core.json.JsonObject;

/**
 * The one conversion between a protocol record on {@link ClusterNames} and what travels: the record's {@link Json}
 * form carried as a Vert.x {@link JsonObject}. Not a custom {@code MessageCodec}: the event bus would then name that
 * codec on the wire, and members of the previous version, which send and expect {@code JsonObject}, could not read
 * it during a rolling upgrade. Nobody builds a cluster message by hand.
 */
public final class ClusterMessages {
  private ClusterMessages() {}

  /** The event-bus body or cluster map value of a record. */
  public static JsonObject toJson(Object record) {
    return new JsonObject(Json.encodeToString(record));
  }

  /** Reads a body or map value; anything malformed is a {@link ProtocolException} for the consumer to count. */
  public static <T> T fromJson(Object body, Class<T> type) {
    if (!(body instanceof JsonObject json)) {
      throw new ProtocolException("expected a JSON object for " + type.getSimpleName() + ", got "
          + (body == null ? "null" : body.getClass().getSimpleName()));
    }
    return Json.decodeClusterValue(json.encode(), type);
  }
}
