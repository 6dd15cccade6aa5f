package io.ipchls.kit.live;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A segment in a live window: start (epoch ms), duration, object key, and the live numbers ingest gave it when it
 * indexed it (its media sequence number and its discontinuity sequence number: the discontinuities up to and
 * including the one in front of it).
 */
public record LiveSegment(long startMs, int durationMs, String key, long mediaSequence, long discontinuitySequence) {
  static void writeList(ObjectDataOutput out, List<LiveSegment> list) throws IOException {
    out.writeInt(list.size());
    for (LiveSegment s : list) {
      out.writeLong(s.startMs);
      out.writeInt(s.durationMs);
      out.writeString(s.key);
      out.writeLong(s.mediaSequence);
      out.writeLong(s.discontinuitySequence);
    }
  }

  static List<LiveSegment> readList(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    List<LiveSegment> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(new LiveSegment(in.readLong(), in.readInt(), in.readString(), in.readLong(), in.readLong()));
    }
    return List.copyOf(list);
  }
}
