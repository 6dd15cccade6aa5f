package io.ipchls.protocol;

/**
 * Names of event-bus addresses and cluster maps shared between services (one place, like {@link Topics}). Each
 * carries a record of this module; its JSON form is {@link Json}'s, sent as a Vert.x {@code JsonObject} (service-kit
 * {@code ClusterMessages}) or stored as JSON text, as noted per name. No message is built by hand.
 */
public final class ClusterNames {
  /** Cluster async map: access key id -> {@link StorageKeyGrant} JSON text, with a TTL equal to the key's lifetime. */
  public static final String S3_KEYS = "ipchls.s3.keys";
  /** Cluster async map: camera id -> {@link StorageKeyIndex} JSON text (its live access key ids), no TTL. */
  public static final String S3_KEYS_BY_CAMERA = "ipchls.s3.keys.by-camera";
  /**
   * Request/reply: broker authentication, body {@link BrokerLoginRequest}, reply {@link BrokerLoginDecision}. Served
   * by credential-service.
   */
  public static final String BROKER_AUTHENTICATE = "ipchls.broker.authenticate";
  /**
   * Publish: a camera was disabled, rotated or deleted, body {@link CameraChanged} (the bare camera id). Consumed by
   * every credential-service instance (login cache) and by whoever runs the embedded broker (closes the session).
   */
  public static final String CAMERA_CHANGED = "ipchls.credential.camera-changed";
  /**
   * Publish: ingest committed new segments, body {@link SegmentsIndexed}. Consumed by every playlist-service instance
   * (live windows).
   */
  public static final String SEGMENTS_INDEXED = "ipchls.segments.indexed";

  /**
   * Cluster map: instance id -> {@link OpsSnapshot}, rewritten every few seconds with a TTL, so any instance can show
   * all (ops API, {@code ipc-hls ops}).
   */
  public static final String OPS_INSTANCES = "ipchls.ops.instances";
  /**
   * Cluster map: camera id -> {@link OnlineCamera} while it is online; removed when it goes offline, so the map's
   * size is the number of cameras online.
   */
  public static final String CAMERAS_ONLINE = "ipchls.cameras.online";
  /**
   * Cluster map (Hazelcast IMap): camera id -> its live window, shared by every playlist instance. Its value is
   * service-kit's {@code LiveWindowState}, changed only by its entry processors (Hazelcast
   * {@code DataSerializable}, not JSON: a typed contract already). {@code .v3}: each segment carries its fMP4 init
   * segment's key (issue 16); {@code .v4}: each segment and the window carry the camera's live target duration
   * (issue 18 item 7). Members of a previous version keep their own map.
   */
  public static final String LIVE_WINDOWS = "ipchls.live.windows.v4";

  private ClusterNames() {}
}
