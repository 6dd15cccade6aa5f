package io.ipchls.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A camera's entry in {@link ClusterNames#S3_KEYS_BY_CAMERA}: its live access key ids and when each expires
 * ({@code {"<accessKeyId>": expiresAtMs, ...}} as JSON text), so that all of them can be revoked without scanning
 * {@link ClusterNames#S3_KEYS}.
 */
public record StorageKeyIndex(Map<String, Long> expiresAtByKeyId) {
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public StorageKeyIndex {
    expiresAtByKeyId = expiresAtByKeyId == null ? Map.of() : Map.copyOf(expiresAtByKeyId);
  }

  public static final StorageKeyIndex EMPTY = new StorageKeyIndex(Map.of());

  @JsonValue
  @Override
  public Map<String, Long> expiresAtByKeyId() {
    return expiresAtByKeyId;
  }

  /** The keys still live at {@code nowMs}, plus the new one. */
  public StorageKeyIndex pruneAndAdd(long nowMs, String accessKeyId, long expiresAt) {
    Map<String, Long> next = new LinkedHashMap<>();
    expiresAtByKeyId.forEach((id, at) -> {
      if (at != null && at > nowMs) next.put(id, at);
    });
    next.put(accessKeyId, expiresAt);
    return new StorageKeyIndex(next);
  }

  public String toJson() {
    return Json.encodeToString(this);
  }

  public static StorageKeyIndex fromJson(String json) {
    return Json.decodeClusterValue(json, StorageKeyIndex.class);
  }
}
