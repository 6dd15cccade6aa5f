package io.ipchls.device.upload;

/**
 * A snapshot of an {@link UploadPipeline}'s counters, for the camera's metrics.
 *
 * @param segmentsUploaded segments stored (live and backfilled)
 * @param segmentsBackfilled of those, segments uploaded from the spool
 * @param bytesUploaded bytes of the stored segments
 * @param segmentsDropped segments lost: memory budget exceeded without a spool, spool limit exceeded, or refused by
 *     storage for good
 * @param uploadFailures failed upload attempts
 * @param queuedSegments segments waiting in memory
 * @param queuedBytes bytes waiting in memory
 * @param spooledSegments segments waiting on disk
 * @param spooledBytes bytes waiting on disk
 * @param lastError the last upload error, or null
 */
public record UploadCounters(
    long segmentsUploaded,
    long segmentsBackfilled,
    long bytesUploaded,
    long segmentsDropped,
    long uploadFailures,
    int queuedSegments,
    long queuedBytes,
    int spooledSegments,
    long spooledBytes,
    String lastError) {}
