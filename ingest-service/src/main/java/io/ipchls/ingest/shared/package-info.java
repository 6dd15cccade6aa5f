/**
 * What more than one sub-domain of ingest uses: the one maker of database pools
 * ({@link io.ipchls.ingest.shared.IngestPools}, for all of them), the bucket with the service's own key
 * ({@link io.ipchls.ingest.shared.ObjectStore}: indexing verifies objects, retention deletes them, recording control
 * writes index files) and the recording gap rule ({@link io.ipchls.ingest.shared.RecordingGapRule}: indexing applies
 * it, recording control ends recordings by it). Nothing else belongs here.
 */
package io.ipchls.ingest.shared;
