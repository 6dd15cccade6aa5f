package io.ipchls.kit.live;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The two changes to a live window, run by Hazelcast on the member that owns the camera's partition, one at a time
 * per camera (so two playlist instances applying the same event end up with one window, not two).
 */
public final class LiveWindowProcessors {
  private LiveWindowProcessors() {}

  /** Stores {@code loaded} unless the camera has a window already; returns the window that is now stored. */
  public static final class InitIfAbsent
      implements EntryProcessor<String, LiveWindowState, LiveWindowState>, DataSerializable {
    private LiveWindowState loaded;

    public InitIfAbsent() {}

    public InitIfAbsent(LiveWindowState loaded) {
      this.loaded = loaded;
    }

    @Override
    public LiveWindowState process(Map.Entry<String, LiveWindowState> entry) {
      if (entry.getValue() != null) return entry.getValue();
      entry.setValue(loaded);
      return loaded;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      loaded.writeData(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      loaded = new LiveWindowState();
      loaded.readData(in);
    }
  }

  /**
   * Appends segments to an existing window (idempotent: segments not newer than its newest are ignored); returns the
   * new window, or null when the camera has none (nobody watches it).
   */
  public static final class Append
      implements EntryProcessor<String, LiveWindowState, LiveWindowState>, DataSerializable {
    private List<LiveSegment> segments;
    private long nowMs;

    public Append() {}

    public Append(List<LiveSegment> segments, long nowMs) {
      this.segments = segments;
      this.nowMs = nowMs;
    }

    @Override
    public LiveWindowState process(Map.Entry<String, LiveWindowState> entry) {
      LiveWindowState w = entry.getValue();
      if (w == null) return null;
      LiveWindowState next = w.append(segments, nowMs);
      entry.setValue(next);
      return next;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(nowMs);
      LiveSegment.writeList(out, segments);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      nowMs = in.readLong();
      segments = LiveSegment.readList(in);
    }
  }
}
