/**
 * ingest-service. This package wires the service: {@code Main}, {@code IngestService} (deploys the sub-domains in
 * order), {@code IngestConfig} (parses the flat settings into one record per sub-domain), {@code IngestMetrics} and
 * {@code IngestHttpVerticle}, the one HTTP port and route table of all sub-domains. The sub-domains are packages:
 * {@code indexing}, {@code retention}, {@code control}, {@code callbacks}; {@code shared} holds what several use.
 */
package io.ipchls.ingest;
