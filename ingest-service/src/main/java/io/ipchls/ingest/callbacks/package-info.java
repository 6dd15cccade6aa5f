/**
 * Callbacks: the outbox of recording events is published on MQTT and fanned out to webhooks
 * ({@link io.ipchls.ingest.callbacks.EventDispatcherVerticle}), webhook calls are delivered with retries
 * ({@link io.ipchls.ingest.callbacks.WebhookDeliveryVerticle}), and webhooks are managed through the admin API
 * (handlers in {@link io.ipchls.ingest.callbacks.WebhookHandlers}). Settings:
 * {@link io.ipchls.ingest.callbacks.CallbacksConfig}.
 */
package io.ipchls.ingest.callbacks;
