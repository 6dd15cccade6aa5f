package io.ipchls.kit.live;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A segment in a live window: start (epoch ms), duration, object key, and whether the camera marked it as not
 * continuing the previous segment whatever the gap ({@code restart}: its timestamps restarted or its clock stepped).
 */
public record LiveSegment(long startMs, int durationMs, String key, boolean restart) {
  public LiveSegment(long startMs, int durationMs, String key) {
    this(startMs, durationMs, key, /* restart= */ false);
  }

  /** Time order, ties broken by key: the order of the index's primary key. */
  public boolean isAfter(LiveSegment other) {
    return startMs > other.startMs || (startMs == other.startMs && key.compareTo(other.key) > 0);
  }

  static void writeList(ObjectDataOutput out, List<LiveSegment> list) throws IOException {
    out.writeInt(list.size());
    for (LiveSegment s : list) {
      out.writeLong(s.startMs);
      out.writeInt(s.durationMs);
      out.writeString(s.key);
      out.writeBoolean(s.restart);
    }
  }

  static List<LiveSegment> readList(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    List<LiveSegment> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(new LiveSegment(in.readLong(), in.readInt(), in.readString(), in.readBoolean()));
    }
    return List.copyOf(list);
  }
}
