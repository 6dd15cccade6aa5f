package io.ipchls.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The JSON form of every protocol message. Unknown fields are ignored (newer senders), nulls are omitted. */
public final class Json {
  /** Largest message payload accepted on any topic. */
  public static final int MAX_PAYLOAD_BYTES = 16 * 1024;

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private Json() {}

  public static byte[] encode(Object message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
    }
  }

  public static String encodeToString(Object message) {
    try {
      return MAPPER.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
    }
  }

  /** Decodes a payload; any problem (size, syntax, types) becomes a {@link ProtocolException} with a reason. */
  public static <T> T decode(byte[] payload, Class<T> type) {
    if (payload == null || payload.length == 0) throw new ProtocolException("empty payload");
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new ProtocolException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD_BYTES);
    }
    try {
      T value = MAPPER.readValue(payload, type);
      if (value == null) throw new ProtocolException("payload is JSON null");
      return value;
    } catch (IOException e) {
      throw new ProtocolException("malformed " + type.getSimpleName() + ": " + firstLine(e.getMessage()));
    }
  }

  /**
   * Decodes a cluster message or map value (see {@link ClusterNames}). No size cap: these come from members of our
   * own cluster, not from cameras, and a batch of indexed segments may exceed {@link #MAX_PAYLOAD_BYTES}.
   */
  public static <T> T decodeClusterValue(String json, Class<T> type) {
    if (json == null || json.isEmpty()) throw new ProtocolException("empty " + type.getSimpleName());
    try {
      T value = MAPPER.readValue(json, type);
      if (value == null) throw new ProtocolException(type.getSimpleName() + " is JSON null");
      return value;
    } catch (IOException e) {
      throw new ProtocolException("malformed " + type.getSimpleName() + ": " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
