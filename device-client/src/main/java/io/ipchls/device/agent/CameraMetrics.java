package io.ipchls.device.agent;

/**
 * A snapshot of one camera's counters since it started.
 *
 * @param segmentsUploaded segments stored and announced
 * @param bytesUploaded bytes of those segments
 * @param segmentsDropped segments discarded because the upload queue was full or storage refused them for good
 * @param uploadFailures failed upload attempts (each may be retried)
 * @param notifyFailures segments stored whose notification could not be delivered
 * @param segmentsRejected notifications the cloud rejected
 * @param queuedBytes bytes waiting for upload now
 */
public record CameraMetrics(
    long segmentsUploaded,
    long bytesUploaded,
    long segmentsDropped,
    long uploadFailures,
    long notifyFailures,
    long segmentsRejected,
    long queuedBytes) {}
