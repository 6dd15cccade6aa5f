package io.ipchls.device.upload;

import java.net.URI;

/**
 * Temporary storage credentials and where they may be used.
 *
 * @param endpoint S3 endpoint, or null for the region's AWS endpoint
 * @param prefix key prefix the credentials are scoped to (no leading or trailing '/')
 * @param expirationEpochMs when the credentials stop working, UTC epoch ms
 */
public record StorageCredentials(
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    URI endpoint,
    String region,
    String bucket,
    String prefix,
    boolean pathStyle,
    long expirationEpochMs) {

  /** Never prints the secret or the token. */
  @Override
  public String toString() {
    return "StorageCredentials[accessKeyId=" + accessKeyId + ", endpoint=" + endpoint + ", bucket=" + bucket
        + ", prefix=" + prefix + ", expiration=" + expirationEpochMs + "]";
  }
}
