/**
 * Camera events (issue 18 item 5): checked ({@link io.ipchls.ingest.events.EventCheck}), stored idempotently by the
 * sender's event id ({@link io.ipchls.ingest.events.EventRepository}), received from cameras over MQTT
 * ({@link io.ipchls.ingest.events.EventListenerVerticle}) and from apps over HTTP
 * ({@link io.ipchls.ingest.events.EventHandlers}). The retention sweep deletes them with the camera's segments;
 * playlist-service reads them through {@code ingest.events_v1}.
 */
package io.ipchls.ingest.events;
