package io.ipchls.protocol;

/**
 * {@code cameras/{id}/credentials/response}: temporary storage credentials that allow PutObject under
 * {@code bucket/prefix/} only, or an {@code error}. {@code expiration} is UTC epoch milliseconds; {@code endpoint} is
 * the S3 endpoint URL the camera must use (null for the region's AWS endpoint); {@code pathStyle} tells whether to use
 * path-style addressing.
 */
// isError() is not a wire field: Jackson would otherwise write it as "error": true|false over the error text.
@com.fasterxml.jackson.annotation.JsonAutoDetect(
    isGetterVisibility = com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.NONE)
public record CredentialResponse(
    int v,
    String requestId,
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    Long expiration,
    String endpoint,
    String region,
    String bucket,
    String prefix,
    Boolean pathStyle,
    String error) {

  public static CredentialResponse error(String requestId, String error) {
    return new CredentialResponse(1, requestId, null, null, null, null, null, null, null, null, null, error);
  }

  public boolean isError() {
    return error != null;
  }

  /** Never prints the secret or the token. */
  @Override
  public String toString() {
    return "CredentialResponse[requestId=" + requestId + ", accessKeyId=" + accessKeyId + ", expiration="
        + expiration + ", bucket=" + bucket + ", prefix=" + prefix + ", error=" + error + "]";
  }
}
