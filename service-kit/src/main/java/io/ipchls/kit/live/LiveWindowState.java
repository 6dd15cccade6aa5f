package io.ipchls.kit.live;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One camera's live edge as the cluster map {@code ipchls.live.windows.v4} keeps it: its newest live segments (at
 * most {@code capacity}), each with the media sequence number and discontinuity sequence number ingest gave it when
 * it indexed it, in number order; when an event last moved it, and a version that grows with every change. The
 * window never numbers anything itself, so every instance, and a window loaded again after an eviction, a restart or
 * a member's death, shows the same numbers. Segments join only in number order: one whose predecessor has not arrived
 * yet waits ({@code pending}) until it does or until a whole window is waiting, when the hole is skipped (those
 * numbers would have slid out anyway). Its target duration ({@link #targetSeconds}) is the largest segment length
 * the camera announced while the window lived, so it never shrinks between two reloads of a live playlist (RFC 8216
 * §6.2.1); it is taken afresh only when the window is loaded again. Immutable: {@link #append} returns a new state. It lives in service-kit
 * because the member owning a map partition runs the entry processors that change it, and every service is a member.
 */
public final class LiveWindowState implements DataSerializable {
  /**
   * Two segments continue each other when the second starts within this of the first's end and is not marked as a
   * restart (HlsPlaylist's rule).
   */
  public static final long CONTINUITY_TOLERANCE_MS = 1000;

  private int capacity;
  private long nextSequence;
  private long lastDiscontinuity;
  private long refreshedAtMs;
  private long version;
  private int targetSeconds;
  private List<LiveSegment> segments;
  private List<LiveSegment> pending;

  /** For Hazelcast's deserialisation only. */
  public LiveWindowState() {}

  private LiveWindowState(int capacity, long nextSequence, long lastDiscontinuity, long refreshedAtMs, long version,
      int targetSeconds, List<LiveSegment> segments, List<LiveSegment> pending) {
    this.capacity = capacity;
    this.targetSeconds = targetSeconds;
    this.nextSequence = nextSequence;
    this.lastDiscontinuity = lastDiscontinuity;
    this.refreshedAtMs = refreshedAtMs;
    this.version = version;
    this.segments = List.copyOf(segments);
    this.pending = List.copyOf(pending);
  }

  /**
   * @param newest the camera's newest live segments in number order (the last {@code capacity} are kept)
   * @param nextSequence the number the camera's next live segment will get, when {@code newest} is empty
   * @param lastDiscontinuity the discontinuity sequence number of the camera's last live segment, likewise
   */
  public static LiveWindowState of(int capacity, List<LiveSegment> newest, long nextSequence,
      long lastDiscontinuity, long nowMs) {
    return of(capacity, newest, nextSequence, lastDiscontinuity, /* targetSeconds= */ 0, nowMs);
  }

  /**
   * @param targetSeconds the segment length the camera last announced it is configured for (0: it never said)
   */
  public static LiveWindowState of(int capacity, List<LiveSegment> newest, long nextSequence,
      long lastDiscontinuity, int targetSeconds, long nowMs) {
    // versions start at the creation time (x 1024), so a window made again after eviction still counts as newer
    long next = newest.isEmpty() ? nextSequence : newest.get(0).mediaSequence();
    return new LiveWindowState(capacity, next, lastDiscontinuity, nowMs, nowMs << 10, targetSeconds, List.of(),
        List.of()).append(newest, nowMs);
  }

  /**
   * Adds the segments numbered from the next number on, in number order, and slides; segments with numbers the
   * window has passed are ignored (an event applied twice, or by two instances, changes nothing).
   */
  public LiveWindowState append(List<LiveSegment> numbered, long nowMs) {
    TreeMap<Long, LiveSegment> waiting = new TreeMap<>();
    for (LiveSegment s : pending) waiting.put(s.mediaSequence(), s);
    for (LiveSegment s : numbered) if (s.mediaSequence() >= nextSequence) waiting.putIfAbsent(s.mediaSequence(), s);
    List<LiveSegment> list = new ArrayList<>(segments);
    long next = nextSequence;
    long disc = lastDiscontinuity;
    int target = targetSeconds;
    while (!waiting.isEmpty()) {
      if (waiting.firstKey() != next) {
        if (waiting.size() < capacity) break;
        list.clear(); // a whole window waits behind a hole: what the hole held would have slid out anyway
        next = waiting.firstKey();
      }
      LiveSegment s = waiting.pollFirstEntry().getValue();
      list.add(s);
      next++;
      disc = s.discontinuitySequence();
      target = Math.max(target, s.targetSeconds()); // a reconfigured camera's longer segments: the target grows only
    }
    while (list.size() > capacity) list.remove(0);
    return new LiveWindowState(capacity, next, disc, Math.max(refreshedAtMs, nowMs), version + 1, target, list,
        List.copyOf(waiting.values()));
  }

  public static boolean continues(LiveSegment previous, LiveSegment next) {
    long gap = next.startMs() - (previous.startMs() + previous.durationMs());
    return !next.restart() && Math.abs(gap) <= CONTINUITY_TOLERANCE_MS;
  }

  public int capacity() {
    return capacity;
  }

  /** The number of the first segment, or of the next one to come when the window is empty. */
  public long firstSequence() {
    return segments.isEmpty() ? nextSequence : segments.get(0).mediaSequence();
  }

  /** The number the next live segment will have. */
  public long nextSequence() {
    return nextSequence;
  }

  /** The first segment's discontinuity sequence number, or the last one's when the window is empty. */
  public long firstDiscontinuity() {
    return segments.isEmpty() ? lastDiscontinuity : segments.get(0).discontinuitySequence();
  }

  /** The discontinuity sequence number of the camera's last live segment. */
  public long lastDiscontinuity() {
    return lastDiscontinuity;
  }

  /**
   * The live playlist's EXT-X-TARGETDURATION in seconds: the largest segment length the camera announced while the
   * window lived (or when it was loaded); 0 when it never said (the playlist's configured default applies).
   */
  public int targetSeconds() {
    return targetSeconds;
  }

  public long refreshedAtMs() {
    return refreshedAtMs;
  }

  public long version() {
    return version;
  }

  /** In number order, consecutive. */
  public List<LiveSegment> segments() {
    return segments;
  }

  /** Segments that wait for a missing predecessor, in number order. */
  public List<LiveSegment> pending() {
    return pending;
  }

  /** The segment with the highest number the window holds (listed or waiting), or null. */
  public LiveSegment last() {
    if (!pending.isEmpty()) return pending.get(pending.size() - 1);
    return segments.isEmpty() ? null : segments.get(segments.size() - 1);
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(capacity);
    out.writeLong(nextSequence);
    out.writeLong(lastDiscontinuity);
    out.writeLong(refreshedAtMs);
    out.writeLong(version);
    out.writeInt(targetSeconds);
    LiveSegment.writeList(out, segments);
    LiveSegment.writeList(out, pending);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    capacity = in.readInt();
    nextSequence = in.readLong();
    lastDiscontinuity = in.readLong();
    refreshedAtMs = in.readLong();
    version = in.readLong();
    targetSeconds = in.readInt();
    segments = LiveSegment.readList(in);
    pending = LiveSegment.readList(in);
  }
}
