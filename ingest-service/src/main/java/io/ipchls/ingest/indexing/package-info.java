/**
 * Indexing: segment notifications from the cameras become rows of {@code ingest.segments} and
 * {@code ingest.recordings}. {@link io.ipchls.ingest.indexing.SegmentListenerVerticle} consumes them over MQTT,
 * {@link io.ipchls.ingest.indexing.NotificationCheck} and {@link io.ipchls.ingest.indexing.BatchCheck} refuse the bad
 * ones, {@link io.ipchls.ingest.indexing.SegmentBatcher} writes batches (index, then acknowledge, in PUBACK order by
 * {@code OrderedAcks}) through the index statement of {@link io.ipchls.ingest.indexing.SegmentRepository}, which also
 * applies the recording gap rule. Settings: {@link io.ipchls.ingest.indexing.IndexingConfig}.
 */
package io.ipchls.ingest.indexing;
