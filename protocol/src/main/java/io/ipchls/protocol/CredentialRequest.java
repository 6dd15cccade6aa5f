package io.ipchls.protocol;

/** {@code cameras/{id}/credentials/request}: a camera asks for temporary storage credentials. */
public record CredentialRequest(int v, String requestId) {
  public static final int VERSION = 1;

  public CredentialRequest {
    if (v != VERSION) throw new ProtocolException("unsupported schema version v=" + v);
    if (requestId == null || requestId.isBlank() || requestId.length() > 64) {
      throw new ProtocolException("requestId must be 1..64 characters");
    }
  }
}
