package io.ipchls.kit.live;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A segment in a live window: start (epoch ms), duration, object key, whether the camera marked it as not continuing
 * the previous segment whatever the gap ({@code restart}: its timestamps restarted or its clock stepped), and the live
 * numbers ingest gave it when it indexed it (its media sequence number and its discontinuity sequence number: the
 * discontinuities up to and including the one in front of it, a restart counting as one as in
 * {@link LiveWindowState#continues}), the object key of the fMP4 init segment it needs ({@code init}; null for
 * MPEG-TS), and the segment length its camera announced it is configured for ({@code targetSeconds}, 0 when it said
 * nothing), from which the window takes its target duration.
 */
public record LiveSegment(long startMs, int durationMs, String key, boolean restart, long mediaSequence,
    long discontinuitySequence, String init, int targetSeconds) {
  /** A segment whose camera did not announce its configured length. */
  public LiveSegment(long startMs, int durationMs, String key, boolean restart, long mediaSequence,
      long discontinuitySequence, String init) {
    this(startMs, durationMs, key, restart, mediaSequence, discontinuitySequence, init, /* targetSeconds= */ 0);
  }

  /** An MPEG-TS segment the camera did not mark as a restart. */
  public LiveSegment(long startMs, int durationMs, String key, long mediaSequence, long discontinuitySequence) {
    this(startMs, durationMs, key, /* restart= */ false, mediaSequence, discontinuitySequence, /* init= */ null);
  }

  /** An MPEG-TS segment. */
  public LiveSegment(long startMs, int durationMs, String key, boolean restart, long mediaSequence,
      long discontinuitySequence) {
    this(startMs, durationMs, key, restart, mediaSequence, discontinuitySequence, /* init= */ null);
  }

  static void writeList(ObjectDataOutput out, List<LiveSegment> list) throws IOException {
    out.writeInt(list.size());
    for (LiveSegment s : list) {
      out.writeLong(s.startMs);
      out.writeInt(s.durationMs);
      out.writeString(s.key);
      out.writeBoolean(s.restart);
      out.writeLong(s.mediaSequence);
      out.writeLong(s.discontinuitySequence);
      out.writeString(s.init);
      out.writeInt(s.targetSeconds);
    }
  }

  static List<LiveSegment> readList(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    List<LiveSegment> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(new LiveSegment(in.readLong(), in.readInt(), in.readString(), in.readBoolean(), in.readLong(),
          in.readLong(), in.readString(), in.readInt()));
    }
    return List.copyOf(list);
  }
}
