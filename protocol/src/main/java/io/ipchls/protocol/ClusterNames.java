package io.ipchls.protocol;

/** Names of event-bus addresses and cluster maps shared between services (one place, like {@link Topics}). */
public final class ClusterNames {
  /** Cluster async map: access key id -> {@link StorageKeyGrant} JSON, with a TTL equal to the key's lifetime. */
  public static final String S3_KEYS = "ipchls.s3.keys";
  /**
   * Request/reply: broker authentication, body {@code {clientId, username, password}}, reply
   * {@code {ok, role: "camera"|"service", cameraId?, reason?}}. Served by credential-service.
   */
  public static final String BROKER_AUTHENTICATE = "ipchls.broker.authenticate";
  /**
   * Publish: ingest committed new segments, body {@code {cameras: [id...], segments: [{cameraId, start, durationMs,
   * key}...]}}. Consumed by every playlist-service instance (live windows).
   */
  public static final String SEGMENTS_INDEXED = "ipchls.segments.indexed";

  private ClusterNames() {}
}
