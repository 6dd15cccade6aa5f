package io.ipchls.ingest.callbacks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The callback counters at {@code /metrics} (Prometheus names in each method's Javadoc). */
public final class CallbackMetrics {
  private final Counter published;
  private final Timer dispatchLag;
  private final Counter deliveriesCreated;
  private final Counter succeeded;
  private final Counter retried;
  private final Counter failed;

  public CallbackMetrics(MeterRegistry registry) {
    published = Counter.builder("recording.events.published")
        .description("events published on events/recordings (acknowledged by the broker)").register(registry);
    dispatchLag = Timer.builder("recording.events.dispatch.lag")
        .description("from an event's row being written to its dispatch (published and fanned out)")
        .register(registry);
    deliveriesCreated = Counter.builder("webhook.deliveries.created")
        .description("webhook deliveries created by the fan-out").register(registry);
    succeeded = Counter.builder("webhook.deliveries.succeeded")
        .description("deliveries answered with 2xx").register(registry);
    retried = Counter.builder("webhook.deliveries.retried")
        .description("failed attempts that were scheduled again").register(registry);
    failed = Counter.builder("webhook.deliveries.failed")
        .description("deliveries given up after the last attempt").register(registry);
  }

  /** {@code recording_events_published_total}. */
  public void published(int n) {
    published.increment(n);
  }

  /** {@code recording_events_dispatch_lag_seconds_{count,sum,max}}. */
  public void dispatchLag(Duration lag) {
    dispatchLag.record(lag.isNegative() ? Duration.ZERO : lag);
  }

  /** {@code webhook_deliveries_created_total}. */
  public void deliveriesCreated(int n) {
    deliveriesCreated.increment(n);
  }

  /** {@code webhook_deliveries_succeeded_total}. */
  public void succeeded() {
    succeeded.increment();
  }

  /** {@code webhook_deliveries_retried_total}. */
  public void retried() {
    retried.increment();
  }

  /** {@code webhook_deliveries_failed_total}. */
  public void failed() {
    failed.increment();
  }
}
