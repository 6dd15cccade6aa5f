package io.ipchls.protocol;

/**
 * {@code cameras/{id}/credentials/request}: a camera asks for temporary storage credentials. It sends the request at
 * {@link #QOS} and asks again when no answer came within 10 s; credential-service accepts QoS 1 requests as well.
 */
public record CredentialRequest(int v, String requestId) {
  public static final int VERSION = 1;
  /**
   * QoS 0: the camera repeats an unanswered request anyway, so the broker need not persist it. A QoS 1 request costs
   * the broker a write, a read and (HiveMQ CE, for a shared subscription) a scan of the queue to remove it, which in
   * a reconnect storm of thousands was most of the broker's work (docs/PERFORMANCE.md "Credentials").
   */
  public static final int QOS = 0;

  public CredentialRequest {
    if (v != VERSION) throw new ProtocolException("unsupported schema version v=" + v);
    if (requestId == null || requestId.isBlank() || requestId.length() > 64) {
      throw new ProtocolException("requestId must be 1..64 characters");
    }
  }
}
