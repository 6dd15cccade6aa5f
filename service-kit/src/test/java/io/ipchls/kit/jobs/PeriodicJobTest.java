package io.ipchls.kit.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Lock;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared mechanism of ingest's periodic jobs, on a real (local) Vert.x and its shared-data locks. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PeriodicJobTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void underClusterLock_runsTheTask_andReleasesTheLock(Vertx vertx) throws Exception {
    var job = PeriodicJob.underClusterLock(vertx, "test.free", 60_000, () -> Future.succeededFuture(7));
    assertEquals(Optional.of(7), await(job.runNow()));
    assertEquals(Optional.of(7), await(job.runNow()), "the lock was released after the first round");
    assertEquals(0, job.skippedRounds());
  }

  @Test
  void underClusterLock_skipsTheRound_whileAnotherHolderHasTheLock(Vertx vertx) throws Exception {
    Lock held = await(vertx.sharedData().getLock("test.held"));
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger skippedSeen = new AtomicInteger();
    var job = PeriodicJob.underClusterLock(vertx, "test.held", 60_000, () -> Future.succeededFuture(ran.incrementAndGet()))
        .onSkipped(skippedSeen::incrementAndGet);
    try {
      assertEquals(Optional.empty(), await(job.runNow()));
    } finally {
      held.release();
    }
    assertEquals(0, ran.get());
    assertEquals(1, job.skippedRounds());
    assertEquals(1, skippedSeen.get());
    assertEquals(Optional.of(1), await(job.runNow()), "runs once the lock is free");
  }

  @Test
  void underTaskLock_countsAnEmptyResultAsSkipped(Vertx vertx) throws Exception {
    var job = PeriodicJob.<Integer>underTaskLock(vertx, "test.task-lock", 60_000,
        () -> Future.succeededFuture(Optional.empty()));
    assertEquals(Optional.empty(), await(job.runNow()));
    assertEquals(1, job.skippedRounds());
  }

  @Test
  void start_runsRoundsOneAtATime_andAgainAtOnceWhenMoreIsWaiting(Vertx vertx) {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    // rounds take 50 ms on a 10 ms schedule: ticks that find one running are dropped
    var job = PeriodicJob.onEveryInstance(vertx, "test.slow", 10, () -> {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      int n = started.incrementAndGet();
      Promise<Integer> done = Promise.promise();
      vertx.setTimer(50, t -> {
        inFlight.decrementAndGet();
        done.complete(n);
      });
      return done.future();
    });
    vertx.runOnContext(v -> job.start(/* firstDelayMs= */ 1));
    Await.until("three rounds", DEADLINE, started::get, n -> n >= 3);
    vertx.runOnContext(v -> job.stop());
    assertEquals(1, maxInFlight.get(), "never two rounds at once");

    AtomicInteger rounds = new AtomicInteger();
    var draining = PeriodicJob.onEveryInstance(vertx, "test.drain", 60_000,
        () -> Future.succeededFuture(rounds.incrementAndGet())).again(n -> n < 5);
    vertx.runOnContext(v -> draining.start(/* firstDelayMs= */ 1));
    Await.until("rounds until nothing is waiting", DEADLINE, rounds::get, n -> n >= 5);
    vertx.runOnContext(v -> draining.stop());
    assertEquals(5, rounds.get(), "no round after the last one that found more");
  }

  @Test
  void aFailedRound_failsRunNow_andTheScheduleGoesOn(Vertx vertx) {
    var broken = PeriodicJob.onEveryInstance(vertx, "test.broken", 60_000,
        () -> Future.<Integer>failedFuture("broken"));
    assertTrue(broken.runNow().toCompletionStage().toCompletableFuture().isCompletedExceptionally());

    AtomicInteger rounds = new AtomicInteger();
    var job = PeriodicJob.onEveryInstance(vertx, "test.failing", 20, () -> rounds.incrementAndGet() == 1
        ? Future.<Integer>failedFuture("first round fails") : Future.succeededFuture(rounds.get()));
    vertx.runOnContext(v -> job.start(/* firstDelayMs= */ 1));
    Await.until("rounds after a failure", DEADLINE, rounds::get, n -> n >= 3);
    vertx.runOnContext(v -> job.stop());
  }

  /** A verticle closes what the round uses only after stop() completes: a round closed under would be redone. */
  @Test
  void stop_completesWhenTheRoundInProgressHasEnded(Vertx vertx) throws Exception {
    Promise<Integer> round = Promise.promise();
    AtomicInteger began = new AtomicInteger();
    var job = PeriodicJob.onEveryInstance(vertx, "test.stop", 60_000, () -> {
      began.incrementAndGet();
      return round.future();
    });
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> job.start(1));
    Await.until("a round began", DEADLINE, began::get, n -> n == 1);
    Promise<Future<Void>> stopping = Promise.promise();
    context.runOnContext(v -> stopping.complete(job.stop()));
    Future<Void> stopped = await(stopping.future());
    assertFalse(stopped.isComplete(), "not before the round has ended");
    context.runOnContext(v -> round.complete(1));
    await(stopped);
    assertEquals(1, began.get(), "no round after stop");
  }
}
