package io.ipchls.ingest.indexing;

import io.ipchls.ingest.IngestMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repeats a step that failed for a transient reason, with exponential backoff (100 ms doubling up to 5 s), as long as
 * it takes and until its owner closes; a failure that is not transient is handed back at once. While a step waits,
 * {@code ingest_db_retrying} counts it (the alarm: ingest is holding messages unacknowledged), and every failure is
 * counted in {@code ingest_db_errors_total{kind}}. Runs on its verticle's event loop only.
 */
public final class TransientRetry {
  private static final Logger LOG = LoggerFactory.getLogger(TransientRetry.class);
  private static final long FIRST_RETRY_MS = 100;
  private static final long MAX_RETRY_MS = 5_000;

  private final Vertx vertx;
  private final IngestMetrics metrics;
  private final BooleanSupplier closed;

  public TransientRetry(Vertx vertx, IngestMetrics metrics, BooleanSupplier closed) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.closed = closed;
  }

  /** Runs {@code op} until it succeeds, fails for a reason {@code isTransient} refuses, or the owner closes. */
  public <T> Future<T> run(String what, Supplier<Future<T>> op, Predicate<Throwable> isTransient) {
    Promise<T> result = Promise.promise();
    attempt(new Step<>(what, op, isTransient, result), FIRST_RETRY_MS, /* waiting= */ false);
    return result.future();
  }

  private record Step<T>(String what, Supplier<Future<T>> op, Predicate<Throwable> isTransient, Promise<T> result) {}

  private <T> void attempt(Step<T> step, long delayMs, boolean waiting) {
    Future<T> f;
    try {
      f = step.op().get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      boolean retry = ar.failed() && !closed.getAsBoolean() && step.isTransient().test(ar.cause());
      if (waiting && !retry) metrics.dbRetrying(-1);
      if (ar.failed()) metrics.dbError(WriteErrors.classify(ar.cause()).tag());
      if (!retry) {
        step.result().handle(ar);
        return;
      }
      if (!waiting) metrics.dbRetrying(+1);
      metrics.writeRetry();
      LOG.warn("{} failed, retrying in {} ms; its messages stay unacknowledged: {}", step.what(), delayMs,
          ar.cause().getMessage());
      vertx.setTimer(delayMs, t -> attempt(step, Math.min(MAX_RETRY_MS, delayMs * 2), /* waiting= */ true));
    });
  }
}
