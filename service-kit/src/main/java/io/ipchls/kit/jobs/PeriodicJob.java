package io.ipchls.kit.jobs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task run every {@code intervalMs}, one round at a time (a tick that finds the previous round still running is
 * dropped), with a failed round logged and left to the next. Where one instance in the cluster must run it at a
 * time, a round runs only while this instance holds a named lock; an instance that cannot get it skips the round
 * (the holder is doing the work anyway), logged at debug and counted in {@link #skippedRounds()}. Three kinds:
 * <ul>
 *   <li>{@link #underClusterLock}: the job takes a Vert.x cluster-wide lock (Hazelcast) around the round;
 *   <li>{@link #underTaskLock}: the task takes its own lock and says whether it got it (empty result), for a lock
 *       that must live exactly as long as a database transaction, such as a PostgreSQL advisory lock;
 *   <li>{@link #onEveryInstance}: no lock, for a task whose steps claim their own rows so instances never collide.
 * </ul>
 * Event-loop confined: create it, {@link #start} and {@link #stop} it in a verticle.
 */
public final class PeriodicJob<T> {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicJob.class);
  /** Long enough to get a free lock across the cluster, short enough to skip a round another instance runs. */
  public static final long LOCK_WAIT_MS = 1_000;

  private final Vertx vertx;
  private final String name;
  private final long intervalMs;
  private final Supplier<Future<Optional<T>>> round;
  private final AtomicLong skipped = new AtomicLong();
  private Predicate<T> again = result -> false;
  private Runnable onSkipped = () -> {};
  private long timerId = -1;
  private boolean running;
  private boolean stopped;
  /** Completed when the round in progress (if any) ends, whatever its outcome. */
  private Future<Void> roundEnded = Future.succeededFuture();

  private PeriodicJob(Vertx vertx, String name, long intervalMs, Supplier<Future<Optional<T>>> round) {
    this.vertx = vertx;
    this.name = name;
    this.intervalMs = intervalMs;
    this.round = round;
  }

  /** Rounds of {@code task} while holding the cluster-wide lock {@code lockName} (also the job's name in logs). */
  public static <T> PeriodicJob<T> underClusterLock(Vertx vertx, String lockName, long intervalMs,
      Supplier<Future<T>> task) {
    return new PeriodicJob<>(vertx, lockName, intervalMs, () -> vertx.sharedData()
        .getLockWithTimeout(lockName, LOCK_WAIT_MS)
        .transform(ar -> ar.failed()
            ? Future.succeededFuture(Optional.<T>empty())
            : task.get().map(Optional::ofNullable).eventually(() -> {
              ar.result().release();
              return Future.succeededFuture();
            })));
  }

  /** Rounds of {@code task}, which takes its own lock and answers empty when another instance holds it. */
  public static <T> PeriodicJob<T> underTaskLock(Vertx vertx, String name, long intervalMs,
      Supplier<Future<Optional<T>>> task) {
    return new PeriodicJob<>(vertx, name, intervalMs, task);
  }

  /** Rounds of {@code task} on every instance: its steps must claim their own work. */
  public static <T> PeriodicJob<T> onEveryInstance(Vertx vertx, String name, long intervalMs,
      Supplier<Future<T>> task) {
    return new PeriodicJob<>(vertx, name, intervalMs, () -> task.get().map(Optional::ofNullable));
  }

  /** Runs the next round at once (not after the interval) when a round's result says more work is waiting. */
  public PeriodicJob<T> again(Predicate<T> moreWaiting) {
    this.again = moreWaiting;
    return this;
  }

  /** Also called for each skipped round (e.g. to show it in an ops view). */
  public PeriodicJob<T> onSkipped(Runnable action) {
    this.onSkipped = action;
    return this;
  }

  /** Schedules the rounds, the first after {@code firstDelayMs}. */
  public PeriodicJob<T> start(long firstDelayMs) {
    timerId = vertx.setPeriodic(Math.max(1, firstDelayMs), intervalMs, t -> tick());
    return this;
  }

  /**
   * One round now, whatever the schedule (the lock still applies); its result, or empty when another instance held
   * the lock. Fails when the task fails.
   */
  public Future<Optional<T>> runNow() {
    Future<Optional<T>> f;
    try {
      f = round.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.onSuccess(result -> {
      if (result.isPresent()) return;
      skipped.incrementAndGet();
      LOG.debug("{}: round skipped, another instance holds the lock", name);
      onSkipped.run();
    });
  }

  private void tick() {
    if (running || stopped) return; // the previous round is still going
    running = true;
    Promise<Void> ended = Promise.promise();
    roundEnded = ended.future();
    runNow().onComplete(ar -> {
      running = false;
      ended.complete();
      if (ar.failed()) {
        LOG.warn("{} failed; the next round continues where it stopped: {}", name, ar.cause().getMessage());
      } else if (!stopped && ar.result().filter(again).isPresent()) {
        vertx.runOnContext(v -> tick());
      }
    });
  }

  /** Rounds skipped because another instance held the lock. */
  public long skippedRounds() {
    return skipped.get();
  }

  /**
   * No further rounds; completes when the one in progress has ended, so that a verticle closes what the round uses
   * (its connection, its MQTT client) only afterwards: closed under it, a round that already did its outside work
   * (published, sent) would be rolled back and done again by the next instance.
   */
  public Future<Void> stop() {
    stopped = true;
    if (timerId >= 0) vertx.cancelTimer(timerId);
    return roundEnded;
  }
}
