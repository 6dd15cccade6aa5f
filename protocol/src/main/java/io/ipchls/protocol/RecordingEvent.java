package io.ipchls.protocol;

import java.util.List;

/**
 * One recording-control event, exactly as published on {@value Topics#EVENTS_RECORDINGS} and POSTed to webhooks
 * (docs/ARCHITECTURE.md "MQTT contract" and "Recording control"). Every event has {@code v}, {@code id} (unique,
 * stable across redeliveries: receivers deduplicate on it), {@code type}, {@code cameraId}, {@code time} (epoch ms
 * when it happened) and, when the camera was in a record task then, {@code taskId} and {@code templateId}. The rest
 * depends on the type (absent fields are omitted from the JSON):
 * <ul>
 *   <li>{@value #RECORDING_STARTED}, {@value #RECORDING_STOPPED}: {@code recordingId}, {@code start}, {@code end},
 *       {@code durationMs}, {@code bytes}, {@code segmentCount} (the recording as known when the event was written;
 *       for started that is its first segments), {@code playlistUrl}; stopped adds {@code reason}
 *       ({@value #REASON_GAP} or {@value #REASON_TASK_STOPPED}).</li>
 *   <li>{@value #INDEX_READY}: {@code bucket}, {@code indexKey}, {@code periodStart}, {@code periodEnd} (the
 *       indexed window, epoch ms), {@code segmentCount}, {@code durationMs} (media time), {@code bytes}.</li>
 *   <li>{@value #CAMERA_ONLINE}, {@value #CAMERA_OFFLINE}: nothing more.</li>
 *   <li>{@value #QUOTA_EXCEEDED}: a camera with a {@code stop} storage quota reached it and its new segments are
 *       refused until it is raised or storage is freed; {@code bytes} (stored when it happened) and {@code reason}
 *       {@value #REASON_QUOTA_EXCEEDED}. Raised once each time the camera goes over. For an account's quota,
 *       {@code accountId} names the account, {@code bytes} is what it stores and {@code cameraId} the camera refused
 *       first; raised once each time the account goes over.</li>
 * </ul>
 */
public record RecordingEvent(
    int v,
    String id,
    String type,
    String cameraId,
    String taskId,
    String templateId,
    long time,
    Long recordingId,
    Long start,
    Long end,
    Long durationMs,
    Long bytes,
    Integer segmentCount,
    String playlistUrl,
    String reason,
    String bucket,
    String indexKey,
    Long periodStart,
    Long periodEnd,
    String accountId) {
  public static final int VERSION = 1;
  public static final String RECORDING_STARTED = "recording.started";
  public static final String RECORDING_STOPPED = "recording.stopped";
  public static final String INDEX_READY = "index.ready";
  public static final String CAMERA_ONLINE = "camera.online";
  public static final String CAMERA_OFFLINE = "camera.offline";
  public static final String QUOTA_EXCEEDED = "quota.exceeded";
  /** Every event type, as templates may name them in their callbacks. */
  public static final List<String> TYPES =
      List.of(RECORDING_STARTED, RECORDING_STOPPED, INDEX_READY, CAMERA_ONLINE, CAMERA_OFFLINE, QUOTA_EXCEEDED);
  /** Why new segments of a camera are refused: its storage quota (policy stop) is reached. */
  public static final String REASON_QUOTA_EXCEEDED = "quota_exceeded";
  /** A recording stopped because no segment came for the recording gap (180 s). */
  public static final String REASON_GAP = "gap";
  /** A recording stopped because the camera's record task stopped. */
  public static final String REASON_TASK_STOPPED = "task_stopped";

  /** A camera's recording started or stopped. */
  public static RecordingEvent recording(String id, String type, String cameraId, String taskId, String templateId,
      long time, long recordingId, long start, long end, long bytes, int segmentCount, String playlistUrl,
      String reason) {
    return new RecordingEvent(VERSION, id, type, cameraId, taskId, templateId, time, recordingId, start, end,
        end - start, bytes, segmentCount, playlistUrl, reason, null, null, null, null, null);
  }

  /** An index file of a task camera's period was written to the bucket. */
  public static RecordingEvent indexReady(String id, String cameraId, String taskId, String templateId, long time,
      String bucket, String indexKey, long periodStart, long periodEnd, int segmentCount, long durationMs,
      long bytes) {
    return new RecordingEvent(VERSION, id, INDEX_READY, cameraId, taskId, templateId, time, null, null, null,
        durationMs, bytes, segmentCount, null, null, bucket, indexKey, periodStart, periodEnd, null);
  }

  /** A camera connected ({@value #CAMERA_ONLINE}) or lost its connection ({@value #CAMERA_OFFLINE}). */
  public static RecordingEvent cameraState(String id, boolean online, String cameraId, String taskId,
      String templateId, long time) {
    return new RecordingEvent(VERSION, id, online ? CAMERA_ONLINE : CAMERA_OFFLINE, cameraId, taskId, templateId,
        time, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** A camera reached its storage quota of policy stop ({@value #QUOTA_EXCEEDED}); {@code storedBytes} at the time. */
  public static RecordingEvent quotaExceeded(String id, String cameraId, long time, long storedBytes) {
    return accountQuotaExceeded(id, cameraId, /* accountId= */ null, time, storedBytes);
  }

  /**
   * An account with a {@code stop} quota reached it ({@value #QUOTA_EXCEEDED} naming {@code accountId}):
   * {@code cameraId} is the camera whose segment was refused first, {@code storedBytes} the account's.
   */
  public static RecordingEvent accountQuotaExceeded(String id, String cameraId, String accountId, long time,
      long storedBytes) {
    return new RecordingEvent(VERSION, id, QUOTA_EXCEEDED, cameraId, null, null, time, null, null, null, null,
        storedBytes, null, null, REASON_QUOTA_EXCEEDED, null, null, null, null, accountId);
  }
}
