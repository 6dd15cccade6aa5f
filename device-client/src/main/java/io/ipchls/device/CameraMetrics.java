package io.ipchls.device;

import io.ipchls.device.record.EventCounters;

/**
 * A snapshot of one camera's counters since it started.
 *
 * @param segmentsCut segments cut by this camera since it started
 * @param segmentsUploaded segments stored (live and backfilled, including spooled ones of earlier runs)
 * @param segmentsBackfilled of those, segments uploaded from the spool
 * @param bytesUploaded bytes of the stored segments
 * @param segmentsDropped segments lost: memory budget exceeded without a spool, spool limit exceeded, or refused
 *     by storage for good
 * @param uploadFailures failed upload attempts (each is retried)
 * @param notificationsPending stored segments whose notification the broker has not acknowledged yet
 * @param notificationsDropped notifications dropped because the outbox overflowed
 * @param segmentsRejected notifications the cloud rejected
 * @param messagesRejected malformed or invalid MQTT messages received (commands, responses), logged and dropped
 * @param queuedSegments segments waiting in memory
 * @param queuedBytes bytes waiting in memory
 * @param spooledSegments segments waiting on disk
 * @param spooledBytes bytes waiting on disk
 * @param framesDropped frames no segment could start with (before SPS/PPS/IDR, or the tail of an over-long GOP)
 * @param recording false after a stop-recording command
 * @param lastError the last upload error, else why the broker cannot be reached (while it cannot), or null
 * @param events event-only recording: clips, the pre-roll ring, segments not recorded
 * @param lastRejectedMessage why the last MQTT message was rejected (topic and reason), or null
 */
public record CameraMetrics(
    long segmentsCut,
    long segmentsUploaded,
    long segmentsBackfilled,
    long bytesUploaded,
    long segmentsDropped,
    long uploadFailures,
    long notificationsPending,
    long notificationsDropped,
    long segmentsRejected,
    long messagesRejected,
    int queuedSegments,
    long queuedBytes,
    int spooledSegments,
    long spooledBytes,
    long framesDropped,
    boolean recording,
    String lastError,
    EventCounters events,
    String lastRejectedMessage) {

  /** One status line: uploaded, queued, spooled, bytes, drops and the last error. */
  public String statusLine() {
    return String.format("uploaded %d (%d backfilled, %.1f MB) | queued %d (%d kB) | spooled %d (%.1f MB) | "
            + "unacked %d | dropped %d seg, %d frames | %s%s",
        segmentsUploaded, segmentsBackfilled, bytesUploaded / 1e6, queuedSegments, queuedBytes / 1024,
        spooledSegments, spooledBytes / 1e6, notificationsPending, segmentsDropped, framesDropped,
        recording ? "recording" : "stopped", lastError == null ? "" : " | last error: " + lastError);
  }
}
