package io.ipchls.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The JSON form of every protocol message. Unknown fields are ignored (newer senders of the same version), nulls are
 * omitted. Camera input ({@link #decodeStrict}) is read strictly: UTF-8 only, no type coercion ("1" is not a number,
 * 1.5 not an integer, 1 not a boolean), no duplicate fields, nothing after the object.
 */
public final class Json {
  /** Largest message payload accepted on any topic. */
  public static final int MAX_PAYLOAD_BYTES = 16 * 1024;

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /** The same mapper, refusing every coercion between JSON types. */
  private static final ObjectMapper STRICT = strict(MAPPER.copy());

  private Json() {}

  private static ObjectMapper strict(ObjectMapper m) {
    m.configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false)
        .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
        .configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true);
    for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.String, CoercionInputShape.Integer,
        CoercionInputShape.Float, CoercionInputShape.Boolean, CoercionInputShape.EmptyString}) {
      m.coercionConfigDefaults().setCoercion(shape, CoercionAction.Fail);
    }
    return m;
  }

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
    return decode(payload, type, MAPPER);
  }

  /**
   * Decodes a payload a camera sent, strictly (see above), so that a value of the wrong JSON type is refused with a
   * reason instead of being converted into something the camera did not mean.
   */
  public static <T> T decodeStrict(byte[] payload, Class<T> type) {
    if (payload != null && payload.length <= MAX_PAYLOAD_BYTES && !isUtf8(payload)) {
      throw new ProtocolException("payload is not UTF-8");
    }
    return decode(payload, type, STRICT);
  }

  private static <T> T decode(byte[] payload, Class<T> type, ObjectMapper mapper) {
    if (payload == null || payload.length == 0) throw new ProtocolException("empty payload");
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new ProtocolException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD_BYTES);
    }
    try {
      T value = mapper.readValue(payload, type);
      if (value == null) throw new ProtocolException("payload is JSON null");
      return value;
    } catch (IOException e) {
      throw new ProtocolException("malformed " + type.getSimpleName() + ": " + field(e) + brief(e));
    }
  }

  /** The field a decoding error is about, as {@code "field <name>: "}, or "" when it is not about one field. */
  private static String field(IOException e) {
    String name = null;
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      name = m.getPath().get(m.getPath().size() - 1).getFieldName();
    } else if (e instanceof StreamReadException r && r.getProcessor() != null) {
      try {
        name = r.getProcessor().currentName();
      } catch (IOException | RuntimeException ignored) {
        name = null; // the parser cannot tell; the message alone will do
      }
    }
    return name == null ? "" : "field " + name + ": ";
  }

  /** Jackson's message without its location and without its advice on enabling coercion. */
  private static String brief(IOException e) {
    String text = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    text = firstLine(text);
    int advice = text.indexOf(" (but ");
    return advice < 0 ? text : text.substring(0, advice);
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

  private static boolean isUtf8(byte[] payload) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
