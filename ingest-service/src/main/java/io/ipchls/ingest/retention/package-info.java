/**
 * Retention: what is beyond a camera's retention goes, objects first, then rows and recordings
 * ({@link io.ipchls.ingest.retention.RetentionSweepVerticle}, {@link io.ipchls.ingest.retention.RetentionRepository}).
 * Partition upkeep ({@link io.ipchls.ingest.retention.PartitionMaintenanceVerticle}) lives here too: the daily
 * partitions of {@code ingest.segments} exist so that retention can drop whole expired days, and the sweeper drops
 * them. Both run under a cluster-wide lock ({@code PeriodicJob}). Settings:
 * {@link io.ipchls.ingest.retention.RetentionConfig}. The bucket client is shared ({@code shared.ObjectStore}), since
 * indexing (object verification) and recording control (index files) use it as well.
 */
package io.ipchls.ingest.retention;
