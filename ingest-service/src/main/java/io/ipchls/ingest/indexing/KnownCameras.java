package io.ipchls.ingest.indexing;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What this ingest instance stored last for each camera, so that a batch of cameras it wrote before needs no read
 * ({@link DecidedBatch.CameraState}: the camera's counters row and latest recording after its last commit here).
 * Nothing here is trusted: {@link SegmentRepository#STORE_DECIDED} stores a decision only where the rows still hold
 * what it was decided from, under the cameras' locks, and a batch where one does not is rolled back and done again
 * from what it reads. A state goes stale when another writer moves the camera: another ingest instance (cameras are
 * spread over instances by the shared subscription), the general path, a camera's deletion.
 *
 * <p>A camera whose remembered state proved stale is doubted for {@link #DOUBT_NANOS}: its batches read it, so a
 * camera that several instances write costs one repeated batch per period, not one per batch. A camera in a batch
 * still being written is not taken from here by another batch (that batch waits for the first one's lock and reads).
 * At most {@link #MAX_CAMERAS} are remembered (about 45 MB); beyond that, further cameras are read each time.
 */
final class KnownCameras {
  /** Cameras remembered at most. */
  static final int MAX_CAMERAS = 100_000;
  /** How long a camera whose remembered state was stale is read instead. */
  static final long DOUBT_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Map<String, DecidedBatch.CameraState> known = new ConcurrentHashMap<>();
  private final Map<String, Long> doubtedUntil = new ConcurrentHashMap<>();
  private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  KnownCameras(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /**
   * Marks {@code cameras} as in a batch being written (until {@link #end}) and returns the states remembered for those
   * that no other batch is writing and that are not doubted.
   */
  Map<String, DecidedBatch.CameraState> begin(String[] cameras) {
    Map<String, DecidedBatch.CameraState> usable = new HashMap<>();
    long now = nanoTime.getAsLong();
    for (String c : cameras) {
      if (inFlight.merge(c, 1, Integer::sum) > 1) continue;
      Long until = doubtedUntil.get(c);
      if (until != null) {
        if (now - until < 0) continue;
        doubtedUntil.remove(c);
      }
      DecidedBatch.CameraState s = known.get(c);
      if (s != null) usable.put(c, s);
    }
    return usable;
  }

  /** The batch that {@link #begin began} with {@code cameras} is over. */
  void end(String[] cameras) {
    for (String c : cameras) inFlight.computeIfPresent(c, (k, n) -> n == 1 ? null : n - 1);
  }

  /** {@code state} was committed for {@code camera}; a later state already remembered is kept. */
  void stored(String camera, DecidedBatch.CameraState state) {
    if (known.size() >= MAX_CAMERAS && !known.containsKey(camera)) return;
    known.merge(camera, state, (old, neu) -> neu.nextMediaSeq() >= old.nextMediaSeq() ? neu : old);
  }

  /** What is remembered of {@code cameras} may be wrong now (another path wrote them, or the write failed). */
  void forget(Collection<String> cameras) {
    for (String c : cameras) known.remove(c);
  }

  /** The remembered states of {@code cameras} were stale: forgotten, and not used for {@link #DOUBT_NANOS}. */
  void doubt(Collection<String> cameras) {
    forget(cameras);
    if (doubtedUntil.size() >= MAX_CAMERAS) doubtedUntil.clear();
    long until = nanoTime.getAsLong() + DOUBT_NANOS;
    for (String c : cameras) doubtedUntil.put(c, until);
  }
}
