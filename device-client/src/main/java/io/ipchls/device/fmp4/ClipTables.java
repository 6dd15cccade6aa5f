package io.ipchls.device.fmp4;

import java.util.Arrays;

/**
 * One track's sample table while a clip is planned: per sample its size, duration, composition offset and whether
 * it is a sync sample, in growable primitive arrays (13 bytes a sample) rather than objects.
 */
final class ClipTables {
  private final boolean video;
  private int[] sizes = new int[1024];
  private int[] durations = new int[1024];
  private int[] offsets;
  private long[] sync;
  private int count;

  ClipTables(boolean video) {
    this.video = video;
    offsets = video ? new int[1024] : null;
    sync = video ? new long[16] : null;
  }

  void add(int size, int duration, int compositionOffset, boolean isSync) {
    if (count == sizes.length) {
      int n = count * 2;
      sizes = Arrays.copyOf(sizes, n);
      durations = Arrays.copyOf(durations, n);
      if (video) {
        offsets = Arrays.copyOf(offsets, n);
        sync = Arrays.copyOf(sync, (n + 63) / 64);
      }
    }
    sizes[count] = size;
    durations[count] = duration;
    if (video) {
      offsets[count] = compositionOffset;
      if (isSync) sync[count >>> 6] |= 1L << (count & 63);
    }
    count++;
  }

  int count() {
    return count;
  }

  int size(int i) {
    return sizes[i];
  }

  int duration(int i) {
    return durations[i];
  }

  void setDuration(int i, int duration) {
    durations[i] = duration;
  }

  /** Composition offset (PTS - DTS), 0 for audio. */
  int compositionOffset(int i) {
    return video ? offsets[i] : 0;
  }

  boolean sync(int i) {
    return !video || (sync[i >>> 6] & (1L << (i & 63))) != 0;
  }

  /** Sum of the durations: the track's length in its timescale. */
  long totalDuration() {
    long t = 0;
    for (int i = 0; i < count; i++) t += durations[i];
    return t;
  }

  boolean hasNegativeOffsets() {
    if (!video) return false;
    for (int i = 0; i < count; i++) if (offsets[i] < 0) return true;
    return false;
  }

  boolean hasCompositionOffsets() {
    if (!video) return false;
    for (int i = 0; i < count; i++) if (offsets[i] != 0) return true;
    return false;
  }
}
