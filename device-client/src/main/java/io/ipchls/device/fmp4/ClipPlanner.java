package io.ipchls.device.fmp4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plans a progressive MP4 clip from recorded segments in one pass: feed the segments in time order with the part of
 * each the clip wants ({@link #add}), then {@link #plan()}. It keeps only sample tables (size, duration, composition
 * offset, sync flag: about 13 bytes a video sample, 4 an audio one) and, per segment, which samples it takes, never
 * the media: the plan's {@link ClipPlan#payload} rebuilds a segment's part of the mdat from the segment when asked.
 *
 * <p>The clip starts at the key frame at or before the first segment's {@code fromMs} and ends before the last
 * segment's {@code toMs}. Segments are laid end to end: the timeline is the recorded media, a gap in the recording
 * is not a pause in the clip. Not thread-safe.
 */
public final class ClipPlanner {
  /** A source segment whose codec configuration differs from the clip's first: the clip cannot hold both. */
  public static final class ConfigurationChange extends IllegalStateException {
    private final int segment;

    ConfigurationChange(int segment, String what) {
      super("the " + what + " changes at segment " + segment);
      this.segment = segment;
    }

    /** Index (in {@link #add} order) of the first segment with the other configuration. */
    public int segment() {
      return segment;
    }
  }

  /** 90 kHz: the MPEG-TS clock, the clock samples are cut and lined up on, and TS video's timescale. */
  static final int VIDEO_TIMESCALE = 90_000;
  /** Two consecutive samples further apart than this are not continuous (a gap, or a clock restart). */
  private static final long MAX_CONTINUOUS_DELTA = 10L * VIDEO_TIMESCALE;

  private final ClipTables video = new ClipTables(true);
  private final ClipTables audio = new ClipTables(false);
  private final List<ClipPlan.Piece> pieces = new ArrayList<>();
  private ClipSegment.Config videoTrack;
  private ClipSegment.Config audioTrack;
  private long firstVideoPts = -1;
  private long firstAudioPts = -1;
  private long lastVideoDts = -1;
  private long mdatPayload;
  private int segments;

  /**
   * Adds the part of a segment in [{@code fromMs}, {@code toMs}) of its own time (milliseconds after its first
   * frame; {@code Long.MIN_VALUE}/{@code Long.MAX_VALUE} for "all of it").
   *
   * @param restart the segment does not continue the previous one (its clock restarted, or a gap)
   * @throws ConfigurationChange if its video or audio configuration is not the clip's
   */
  public void add(ClipSegment seg, long fromMs, long toMs, boolean restart) {
    int index = segments++;
    if (videoTrack == null) {
      videoTrack = seg.video();
    } else if (!Arrays.equals(videoTrack.sampleEntry(), seg.video().sampleEntry())
        || videoTrack.timescale() != seg.video().timescale()) {
      throw new ConfigurationChange(index, "video configuration (codec, resolution or parameter sets)");
    }
    if (seg.audio() != null) {
      if (audioTrack == null && audio.count() == 0) {
        audioTrack = seg.audio();
      } else if (audioTrack != null && (!Arrays.equals(audioTrack.sampleEntry(), seg.audio().sampleEntry())
          || audioTrack.timescale() != seg.audio().timescale())) {
        throw new ConfigurationChange(index, "audio configuration");
      }
    }
    List<ClipSegment.Sample> vs = seg.videoSamples();
    long base = vs.isEmpty() ? 0 : vs.get(0).pts();
    int vFrom = firstVideo(vs, fromMs == Long.MIN_VALUE ? Long.MIN_VALUE : base + fromMs * 90);
    int vTo = vFrom;
    long endTs = toMs == Long.MAX_VALUE ? Long.MAX_VALUE : base + toMs * 90;
    long baseDts = vs.isEmpty() ? 0 : vs.get(0).dts(); // decode order: a cut there leaves every frame decodable
    while (vTo < vs.size() && since(baseDts, vs.get(vTo).dts()) < endTs - base) vTo++;
    if (vFrom >= vTo) {
      pieces.add(new ClipPlan.Piece(index, mdatPayload, 0, 0, 0, 0, 0, 0));
      return;
    }
    if (firstVideoPts < 0) firstVideoPts = vs.get(vFrom).pts();
    List<ClipSegment.Sample> as = seg.audioSamples();
    int aFrom = 0;
    long startTs = vs.get(vFrom).pts();
    if (firstAudioPts < 0) while (aFrom < as.size() && since(startTs, as.get(aFrom).pts()) < 0) aFrom++;
    int aTo = aFrom;
    while (aTo < as.size() && since(base, as.get(aTo).pts()) < endTs - base) aTo++;
    if (audioTrack == null) aTo = aFrom; // audio that appears after a clip began without it is left out
    long videoBytes = appendVideo(vs, vFrom, vTo, restart);
    long length = videoBytes + appendAudio(as, aFrom, aTo);
    pieces.add(new ClipPlan.Piece(index, mdatPayload, length, videoBytes, vFrom, vTo, aFrom, aTo));
    mdatPayload += length;
  }

  /** The clip's layout: its header (ftyp, moov, the mdat header) and where each segment's samples go. */
  public ClipPlan plan() {
    if (video.count() == 0) throw new IllegalStateException("the clip has no video frame");
    int last = video.count() - 1;
    if (video.duration(last) < 0) video.setDuration(last, last > 0 ? video.duration(last - 1) : defaultFrame());
    long audioDelay = firstAudioPts < 0 ? 0 : Math.max(0, since(firstVideoPts, firstAudioPts));
    return ClipPlan.build(videoTrack, video, audioTrack, audio, audioDelay, pieces, mdatPayload);
  }

  /**
   * Where the clip's video starts in this segment: all of it once the clip has begun; else the last sync sample
   * presented at or before {@code ts} (90 kHz, {@code Long.MIN_VALUE}: the first), or the first sync sample if none
   * is; {@code vs.size()} if the segment has no sync sample.
   */
  private int firstVideo(List<ClipSegment.Sample> vs, long ts) {
    if (video.count() > 0) return 0;
    int chosen = -1;
    for (int i = 0; i < vs.size(); i++) {
      if (!vs.get(i).sync()) continue;
      boolean atOrBefore = ts != Long.MIN_VALUE && since(vs.get(0).pts(), vs.get(i).pts()) <= ts - vs.get(0).pts();
      if (chosen >= 0 && !atOrBefore) break;
      chosen = i;
      if (ts == Long.MIN_VALUE) break;
    }
    return chosen < 0 ? vs.size() : chosen;
  }

  /**
   * Video samples [from, to): a sample's duration is its own (fMP4) or until the next sample's decode time (MPEG-TS),
   * the segment's last one until the next segment's first when that one continues it, else the previous duration.
   */
  private long appendVideo(List<ClipSegment.Sample> vs, int from, int to, boolean restart) {
    long bytes = 0;
    double ticksPer90k = videoTrack.timescale() / (double) VIDEO_TIMESCALE;
    for (int i = from; i < to; i++) {
      ClipSegment.Sample s = vs.get(i);
      int last = video.count() - 1;
      if (last >= 0 && i == from && video.duration(last) < 0) {
        long delta = since(lastVideoDts, s.dts());
        video.setDuration(last, !restart && delta > 0 && delta < MAX_CONTINUOUS_DELTA
            ? (int) Math.round(delta * ticksPer90k) : last > 0 ? video.duration(last - 1) : defaultFrame());
      }
      int duration = s.duration();
      if (duration < 0 && i + 1 < vs.size()) {
        long delta = since(s.dts(), vs.get(i + 1).dts());
        duration = delta > 0 && delta < MAX_CONTINUOUS_DELTA ? (int) Math.round(delta * ticksPer90k) : defaultFrame();
      }
      video.add(s.data().length, duration, s.compositionOffset(), s.sync());
      lastVideoDts = s.dts();
      bytes += s.data().length;
    }
    return bytes;
  }

  private int defaultFrame() {
    return videoTrack.timescale() / 25;
  }

  private long appendAudio(List<ClipSegment.Sample> as, int from, int to) {
    long bytes = 0;
    for (int i = from; i < to; i++) {
      if (firstAudioPts < 0) firstAudioPts = as.get(i).pts();
      audio.add(as.get(i).data().length, as.get(i).duration(), 0, true);
      bytes += as.get(i).data().length;
    }
    return bytes;
  }

  /** {@code to - from} on the 33-bit clock, as a signed difference (wrap-around safe). */
  static long since(long from, long to) {
    long d = (to - from) & ClipSegment.TIMESTAMP_MASK;
    return d >= (1L << 32) ? d - (1L << 33) : d;
  }
}
