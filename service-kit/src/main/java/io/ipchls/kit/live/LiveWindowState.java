package io.ipchls.kit.live;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One camera's live edge as the cluster map {@code ipchls.live.windows} keeps it: its newest segments (at most
 * {@code capacity}) with the media sequence number and the discontinuity sequence number of the first, when an event
 * last moved it, and a version that grows with every change. Immutable: {@link #append} returns a new state. It lives
 * in service-kit because the member owning a map partition runs the entry processors that change it, and every
 * service is a member.
 */
public final class LiveWindowState implements DataSerializable {
  /**
   * Two segments continue each other when the second starts within this of the first's end and is not marked as a
   * restart (HlsPlaylist's rule).
   */
  public static final long CONTINUITY_TOLERANCE_MS = 1000;

  private int capacity;
  private long firstSequence;
  private long firstDiscontinuity;
  private long refreshedAtMs;
  private long version;
  private List<LiveSegment> segments;

  /** For Hazelcast's deserialisation only. */
  public LiveWindowState() {}

  private LiveWindowState(int capacity, long firstSequence, long firstDiscontinuity, long refreshedAtMs, long version,
      List<LiveSegment> segments) {
    this.capacity = capacity;
    this.firstSequence = firstSequence;
    this.firstDiscontinuity = firstDiscontinuity;
    this.refreshedAtMs = refreshedAtMs;
    this.version = version;
    this.segments = List.copyOf(segments);
  }

  /**
   * @param newest the camera's newest segments in time order (the last {@code capacity} are kept)
   * @param firstSequence how many of the camera's segments precede the first of {@code newest}
   * @param firstDiscontinuity the first one's discontinuity sequence number
   */
  public static LiveWindowState of(int capacity, List<LiveSegment> newest, long firstSequence,
      long firstDiscontinuity, long nowMs) {
    // versions start at the creation time (x 1024), so a window made again after eviction still counts as newer
    return new LiveWindowState(capacity, firstSequence, firstDiscontinuity, nowMs, nowMs << 10, List.of())
        .append(newest, nowMs);
  }

  /** Adds the segments newer than the newest (others are ignored: a backfill is replay material) and slides. */
  public LiveWindowState append(List<LiveSegment> newer, long nowMs) {
    List<LiveSegment> list = new ArrayList<>(segments);
    long seq = firstSequence;
    long disc = firstDiscontinuity;
    for (LiveSegment s : newer) {
      LiveSegment last = list.isEmpty() ? null : list.get(list.size() - 1);
      if (last != null && !s.isAfter(last)) continue;
      list.add(s);
      while (list.size() > capacity) {
        LiveSegment gone = list.remove(0);
        seq++;
        if (!list.isEmpty() && !continues(gone, list.get(0))) disc++;
      }
    }
    return new LiveWindowState(capacity, seq, disc, Math.max(refreshedAtMs, nowMs), version + 1, list);
  }

  public static boolean continues(LiveSegment previous, LiveSegment next) {
    long gap = next.startMs() - (previous.startMs() + previous.durationMs());
    return !next.restart() && Math.abs(gap) <= CONTINUITY_TOLERANCE_MS;
  }

  public int capacity() {
    return capacity;
  }

  public long firstSequence() {
    return firstSequence;
  }

  public long firstDiscontinuity() {
    return firstDiscontinuity;
  }

  public long refreshedAtMs() {
    return refreshedAtMs;
  }

  public long version() {
    return version;
  }

  /** In time order. */
  public List<LiveSegment> segments() {
    return segments;
  }

  /** The newest segment, or null. */
  public LiveSegment last() {
    return segments.isEmpty() ? null : segments.get(segments.size() - 1);
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(capacity);
    out.writeLong(firstSequence);
    out.writeLong(firstDiscontinuity);
    out.writeLong(refreshedAtMs);
    out.writeLong(version);
    LiveSegment.writeList(out, segments);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    capacity = in.readInt();
    firstSequence = in.readLong();
    firstDiscontinuity = in.readLong();
    refreshedAtMs = in.readLong();
    version = in.readLong();
    segments = LiveSegment.readList(in);
  }
}
