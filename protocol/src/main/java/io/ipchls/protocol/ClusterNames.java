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

  /**
   * Cluster map: one ops snapshot per running service instance ({@code {service, instance, member, version, uptimeMs,
   * health, stats}}), rewritten every few seconds with a TTL, so any instance can show all (ops API,
   * {@code ipc-hls ops}).
   */
  public static final String OPS_INSTANCES = "ipchls.ops.instances";
  /**
   * Cluster map: camera id -> its last status while it is online ({@code {state, time, receivedAt, uploaded,
   * dropped}}); removed when it goes offline, so the map's size is the number of cameras online.
   */
  public static final String CAMERAS_ONLINE = "ipchls.cameras.online";
  /** Cluster map (Hazelcast IMap): camera id -> its live window, shared by every playlist instance. */
  public static final String LIVE_WINDOWS = "ipchls.live.windows";

  private ClusterNames() {}
}
