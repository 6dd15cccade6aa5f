package io.ipchls.credential.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipchls.credential.mqtt.WaitingRequests.Offer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The turn-taking of QoS 0 credential requests: bounded at once, one waiting per camera, newest wins, bounded. */
class WaitingRequestsTest {
  private final List<String> started = new ArrayList<>();
  private final List<Promise<Void>> running = new ArrayList<>();

  private WaitingRequests<String> queue(int maxActive, int maxWaiting) {
    return new WaitingRequests<>(maxActive, maxWaiting, r -> {
      started.add(r);
      Promise<Void> p = Promise.promise();
      running.add(p);
      return p.future();
    });
  }

  @Test
  void atMostMaxActiveRun_theRestStartInArrivalOrderAsOthersComplete() {
    var q = queue(2, 10);
    assertEquals(Offer.STARTED, q.offer("a", "a1"));
    assertEquals(Offer.STARTED, q.offer("b", "b1"));
    assertEquals(Offer.QUEUED, q.offer("c", "c1"));
    assertEquals(Offer.QUEUED, q.offer("d", "d1"));
    assertEquals(List.of("a1", "b1"), started);
    running.get(1).complete();
    assertEquals(List.of("a1", "b1", "c1"), started);
    running.get(0).fail("refused"); // a failed one frees its place too
    assertEquals(List.of("a1", "b1", "c1", "d1"), started);
    assertEquals(2, q.active());
    assertEquals(0, q.waiting());
  }

  @Test
  void aCameraAskingAgainWhileWaiting_keepsItsPlace_withItsNewestRequest() {
    var q = queue(1, 10);
    q.offer("busy", "busy1");
    assertEquals(Offer.QUEUED, q.offer("a", "a1"));
    assertEquals(Offer.QUEUED, q.offer("b", "b1"));
    assertEquals(Offer.REPLACED, q.offer("a", "a2"));
    assertEquals(2, q.waiting());
    running.get(0).complete();
    running.get(1).complete();
    assertEquals(List.of("busy1", "a2", "b1"), started);
  }

  @Test
  void beyondMaxWaitingCameras_aRequestIsDropped_butARepeatStillReplaces() {
    var q = queue(1, 2);
    q.offer("busy", "busy1");
    q.offer("a", "a1");
    q.offer("b", "b1");
    assertEquals(Offer.DROPPED, q.offer("c", "c1"));
    assertEquals(Offer.REPLACED, q.offer("b", "b2"));
    running.get(0).complete();
    running.get(1).complete();
    running.get(2).complete();
    assertEquals(List.of("busy1", "a1", "b2"), started);
  }

  @Test
  void requestsThatCompleteAtOnce_drainAManyThousandQueueWithoutDeepRecursion() {
    List<String> done = new ArrayList<>();
    Promise<Void> gate = Promise.promise();
    var q = new WaitingRequests<String>(1, 100_000, r -> {
      done.add(r);
      return r.equals("first") ? gate.future() : Future.succeededFuture();
    });
    q.offer("first", "first");
    for (int i = 0; i < 50_000; i++) q.offer("cam-" + i, "cam-" + i);
    gate.complete();
    assertEquals(50_001, done.size());
    assertEquals(0, q.waiting());
  }

  @Test
  void aHandlerThatThrows_freesItsPlace() {
    List<String> seen = new ArrayList<>();
    var q = new WaitingRequests<String>(1, 10, r -> {
      seen.add(r);
      throw new IllegalStateException("boom");
    });
    q.offer("a", "a1");
    q.offer("b", "b1");
    assertEquals(List.of("a1", "b1"), seen);
    assertEquals(0, q.active());
  }

  @Test
  void clear_forgetsTheWaiting_andLetsTheActiveFinish() {
    var q = queue(1, 10);
    q.offer("a", "a1");
    q.offer("b", "b1");
    q.offer("c", "c1");
    assertEquals(2, q.clear());
    running.get(0).complete();
    assertEquals(List.of("a1"), started);
    assertEquals(0, q.active());
  }

  @Test
  void badBounds_areRefused() {
    assertThrows(IllegalArgumentException.class, () -> queue(0, 10));
    assertThrows(IllegalArgumentException.class, () -> queue(1, -1));
  }
}
