package io.ipchls.protocol;

/**
 * A live temporary storage key issued by the embedded issuer, as held in the cluster map
 * {@link ClusterNames#S3_KEYS} (keyed by access key id) and read by the embedded S3 server: PutObject only, under
 * {@code bucket/prefix/} only, until {@code expiresAt} (UTC epoch ms).
 */
public record StorageKeyGrant(String cameraId, String secretAccessKey, String bucket, String prefix, long expiresAt) {
  public boolean isLive(long nowMs) {
    return nowMs < expiresAt;
  }

  public String toJson() {
    return Json.encodeToString(this);
  }

  public static StorageKeyGrant fromJson(String json) {
    return Json.decode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), StorageKeyGrant.class);
  }

  @Override
  public String toString() {
    return "StorageKeyGrant[cameraId=" + cameraId + ", bucket=" + bucket + ", prefix=" + prefix + ", expiresAt="
        + expiresAt + "]";
  }
}
