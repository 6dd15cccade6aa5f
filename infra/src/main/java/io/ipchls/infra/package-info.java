/**
 * The servers ipc-hls needs, embedded so that a single JVM (the launcher, or a test run) needs nothing installed:
 * {@link io.ipchls.infra.EmbeddedPostgres} (real PostgreSQL), {@link io.ipchls.infra.EmbeddedBroker} (HiveMQ CE with
 * camera/service authorization) and {@link io.ipchls.infra.EmbeddedS3} (S3Proxy with write-only temporary keys),
 * or all three at once with {@link io.ipchls.infra.LocalStack}. Each binds 127.0.0.1 by default, takes port 0 to
 * mean "a free port", keeps its data under the given directory across restarts, and is {@link AutoCloseable}.
 */
package io.ipchls.infra;
