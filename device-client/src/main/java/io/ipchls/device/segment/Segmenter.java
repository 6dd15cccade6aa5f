package io.ipchls.device.segment;

import io.ipchls.device.h264.NalUnits;
import io.ipchls.device.h264.Sps;
import io.ipchls.device.ts.TsMuxer;
import io.ipchls.protocol.SegmentDuration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Cuts a stream of access units into MPEG-TS segments. A new segment starts only at a key frame, and only once the
 * current segment has reached the target duration; so segments last at least the target (except the last) and at
 * most target + one GOP, but never more than {@value #MAX_TARGET_MS} ms: a GOP that long is cut there and the
 * frames up to the next key frame are dropped (counted), because a segment must start with a key frame and the
 * notification contract caps durations. Every segment starts with SPS, PPS and an IDR picture: the last parameter
 * sets seen are prepended to a key frame that lacks them. Frames before the first key frame with known parameter
 * sets are dropped, since no decoder could use them.
 *
 * <p>Output timestamps are the input's shifted by one constant, so the first frame has DTS {@link #TS_ORIGIN_90K}
 * and segments of one stream line up without gaps; the PCR then never goes negative. Wall-clock start times come
 * from the encoder timestamps anchored to the wall clock at the first frame: they do not jitter with the clock. At
 * every cut the wall clock is compared with the monotonic clock; when they disagree by more than
 * {@value #CLOCK_STEP_MS} ms the wall clock was stepped (NTP), the anchor moves by the step and the segment is
 * flagged {@link Segment#clockJump()}.
 *
 * <p>Audio (AAC in ADTS) is muxed only when the segmenter was built with it, so segments declare only the tracks
 * that exist. Not thread-safe: call from one thread (or synchronise).
 */
public final class Segmenter {
  /** DTS of the first frame in the output, 1.4 s as ffmpeg uses, ≥ the muxer's PCR delay. */
  public static final long TS_ORIGIN_90K = 126_000;
  public static final long MIN_TARGET_MS = SegmentDuration.MIN_MS;
  public static final long MAX_TARGET_MS = SegmentDuration.MAX_MS;
  /** A disagreement of wall and monotonic clock larger than this is a clock step. */
  public static final long CLOCK_STEP_MS = 1_000;
  /** Frame duration assumed until two frames have been seen (1/15 s). */
  private static final long DEFAULT_FRAME_DURATION_90K = 6_000;

  private final DeviceClock clock;
  private final Consumer<Segment> sink;
  private final boolean audio;
  private long target90k;

  private byte[] sps;
  private byte[] pps;
  private Sps parsedSps;
  private boolean anchored;
  private long anchorWallMs;
  private long anchorOffsetMs;
  private long anchorPts;
  private long originDts;
  private long nextSeq;
  private long droppedFrames;
  private long droppedAudio;
  private long lastInputDts = Long.MIN_VALUE;
  private long lastAudioPts = Long.MIN_VALUE;

  private TsMuxer muxer;
  private boolean segClockJump;
  private long segFirstPts;
  private long segMaxPts;
  private long lastDts;
  private long frameDuration90k = DEFAULT_FRAME_DURATION_90K;

  /** Video only, dated by a wall clock alone (no step detection); see {@link #Segmenter(long, DeviceClock, boolean, Consumer)}. */
  public Segmenter(long targetMs, LongSupplier wallClockMs, Consumer<Segment> sink) {
    this(targetMs, DeviceClock.wallOnly(wallClockMs), false, sink);
  }

  /**
   * @param targetMs the target segment duration, {@value #MIN_TARGET_MS}..{@value #MAX_TARGET_MS} ms
   * @param clock wall clock (read to anchor the first frame) and monotonic clock (to notice steps)
   * @param audio true to declare and mux an AAC track
   * @param sink receives each finished segment, on the calling thread
   */
  public Segmenter(long targetMs, DeviceClock clock, boolean audio, Consumer<Segment> sink) {
    setTargetMillis(targetMs);
    this.clock = clock;
    this.audio = audio;
    this.sink = sink;
  }

  /** Changes the target duration; the open segment is cut against the new target. */
  public void setTargetMillis(long targetMs) {
    if (targetMs < MIN_TARGET_MS || targetMs > MAX_TARGET_MS) {
      throw new IllegalArgumentException("segment target must be 1..60 s, got " + targetMs + " ms");
    }
    this.target90k = targetMs * 90;
  }

  /**
   * Adds the next access unit in decoding order; may emit the previous segment.
   *
   * @throws IllegalArgumentException if its decoding time is not after the previous frame's (nothing is changed)
   */
  public void push(Frame frame) {
    if (lastInputDts != Long.MIN_VALUE && frame.dts90k() <= lastInputDts) {
      throw new IllegalArgumentException("decoding timestamp " + frame.dts90k() + " is not after the previous "
          + lastInputDts + " (90 kHz): timestamps must increase");
    }
    lastInputDts = frame.dts90k();
    rememberParameterSets(frame.nals());
    if (muxer != null && !frame.key() && frame.pts90k() - segFirstPts >= MAX_TARGET_MS * 90) {
      finish(frame.pts90k() - segFirstPts); // over-long GOP: cut; the rest of it cannot start a segment
    }
    // Half a frame of slack: encoder timestamps jitter, and a key frame due exactly at the target must not wait a GOP.
    if (muxer == null || (frame.key() && frame.pts90k() - segFirstPts + frameDuration90k / 2 >= target90k)) {
      if (!frame.key() || sps == null || pps == null) {
        droppedFrames++;
        return;
      }
      if (muxer != null) finish(frame.pts90k() - segFirstPts);
      open(frame);
    }
    List<byte[]> nals = frame.key() ? withParameterSets(frame.nals()) : frame.nals();
    muxer.writeVideo(nals, out(frame.pts90k()), out(frame.dts90k()), frame.key());
    if (frame.dts90k() > lastDts && lastDts != Long.MIN_VALUE) frameDuration90k = frame.dts90k() - lastDts;
    lastDts = frame.dts90k();
    segMaxPts = Math.max(segMaxPts, frame.pts90k());
  }

  /**
   * Adds AAC audio, on the video's clock. Dropped (counted) while no segment is open or when it would start before
   * the stream's origin.
   *
   * @throws IllegalStateException if the segmenter was built without audio
   * @throws IllegalArgumentException if its time is not after the previous audio's
   */
  public void pushAudio(AudioFrame frame) {
    if (!audio) throw new IllegalStateException("this stream was declared without audio");
    if (lastAudioPts != Long.MIN_VALUE && frame.pts90k() <= lastAudioPts) {
      throw new IllegalArgumentException("audio timestamp " + frame.pts90k() + " is not after the previous "
          + lastAudioPts + " (90 kHz)");
    }
    lastAudioPts = frame.pts90k();
    if (muxer == null || out(frame.pts90k()) < 0) {
      droppedAudio++;
      return;
    }
    muxer.writeAudio(frame.adts(), out(frame.pts90k()));
  }

  /** Ends the stream: emits the open segment, lasting until its last frame's end. */
  public void flush() {
    if (muxer != null) finish(segMaxPts - segFirstPts + frameDuration90k);
  }

  /** Frames dropped because no segment could start with them (no key frame or parameter sets yet, over-long GOP). */
  public long droppedFrames() {
    return droppedFrames;
  }

  /** Segments emitted so far. */
  public long segmentsCut() {
    return nextSeq;
  }

  /** Audio frames dropped because no segment was open. */
  public long droppedAudio() {
    return droppedAudio;
  }

  private void open(Frame frame) {
    long offset = clock.wallMillis() - clock.monotonicNanos() / 1_000_000;
    segClockJump = false;
    if (!anchored) {
      anchored = true;
      anchorWallMs = clock.wallMillis();
      anchorOffsetMs = offset;
      anchorPts = frame.pts90k();
      originDts = frame.dts90k();
    } else if (Math.abs(offset - anchorOffsetMs) > CLOCK_STEP_MS) {
      anchorWallMs += offset - anchorOffsetMs; // the stepped clock is taken as the right one from now on
      anchorOffsetMs = offset;
      segClockJump = true;
    }
    muxer = TsMuxer.builder().audio(audio).build();
    segFirstPts = frame.pts90k();
    segMaxPts = frame.pts90k();
    lastDts = Long.MIN_VALUE;
  }

  private void finish(long duration90k) {
    muxer.close();
    byte[] bytes = muxer.toByteArray();
    muxer = null;
    long start = anchorWallMs + Math.round((segFirstPts - anchorPts) / 90.0);
    int width = parsedSps == null ? 0 : parsedSps.width();
    int height = parsedSps == null ? 0 : parsedSps.height();
    String codec = parsedSps == null ? "h264" : parsedSps.codecString();
    sink.accept(new Segment(bytes, start, Math.round(duration90k / 90.0), nextSeq++, width, height, codec,
        Segment.sha256Hex(bytes), segClockJump));
  }

  private long out(long ts90k) {
    return ts90k - originDts + TS_ORIGIN_90K;
  }

  private void rememberParameterSets(List<byte[]> nals) {
    for (byte[] nal : nals) {
      int type = NalUnits.type(nal);
      if (type == NalUnits.SPS) {
        sps = nal;
        try {
          parsedSps = Sps.parse(nal);
        } catch (IllegalArgumentException e) {
          parsedSps = null; // width/height become 0; the video itself is still usable
        }
      } else if (type == NalUnits.PPS) {
        pps = nal;
      }
    }
  }

  /** The key frame with the remembered SPS and PPS right after any AUD, replacing its own copies. */
  private List<byte[]> withParameterSets(List<byte[]> nals) {
    if (NalUnits.type(nals.get(0)) == NalUnits.SPS && nals.size() > 1 && NalUnits.type(nals.get(1)) == NalUnits.PPS) {
      return nals;
    }
    List<byte[]> all = new ArrayList<>(nals.size() + 2);
    int i = 0;
    if (NalUnits.type(nals.get(0)) == NalUnits.AUD) all.add(nals.get(i++));
    all.add(sps);
    all.add(pps);
    for (; i < nals.size(); i++) {
      int type = NalUnits.type(nals.get(i));
      if (type != NalUnits.SPS && type != NalUnits.PPS) all.add(nals.get(i));
    }
    return all;
  }
}
