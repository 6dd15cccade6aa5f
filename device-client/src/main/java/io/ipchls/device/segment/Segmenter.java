package io.ipchls.device.segment;

import io.ipchls.device.codec.AudioCodec;
import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.h265.NalUnits;
import io.ipchls.protocol.SegmentDuration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Cuts a stream of H.264 or H.265 access units into MPEG-TS or fMP4 segments ({@link Container}). A new segment starts only at a key frame
 * (H.264 IDR, H.265 IRAP), and only once the current segment has reached the target duration; so segments last at
 * least the target (except the last) and at most target + one GOP, but never more than {@value #MAX_TARGET_MS} ms:
 * a GOP that long is cut there and the frames up to the next key frame are dropped (counted), because a segment
 * must start with a key frame and the notification contract caps durations. Every segment starts with its parameter
 * sets (H.264 SPS and PPS, H.265 VPS, SPS and PPS) and a key picture: the last parameter sets seen are put in front
 * of a key frame that lacks them. Frames before the first key frame are dropped (counted), since no decoder could
 * use them; a key frame while a parameter set was never seen is refused. A VPS or SPS that changes is accepted only
 * with a key frame, and then starts a new segment at once, so that each segment has one configuration (size, codec
 * string); in another access unit it is refused. One stream has one codec: the first frame's.
 *
 * <p>Timestamps: each frame's DTS must increase and not pass its PTS. {@link #pushDerivingDts} derives the DTS of
 * a stream given with PTS only (B-frames) from the SPS's reorder depth ({@link DtsDeriver}). A segment starts at
 * its key frame's PTS and lasts until the next segment's key frame's PTS, so consecutive durations add up to the
 * stream's timeline whatever the reordering. After a gap (the first segment, or a restart of recording) the RASL
 * pictures of an H.265 CRA are dropped: they refer to pictures before the CRA that the stream no longer has
 * (ITU-T H.265 §8.1.3; a decoder starting there discards them too).
 *
 * <p>Output timestamps are the input's shifted by one constant, so the first frame has DTS {@link #TS_ORIGIN_90K}
 * and segments of one stream line up without gaps; the PCR then never goes negative. Wall-clock start times come
 * from the encoder timestamps anchored to the wall clock at the first frame: they do not jitter with the clock. At
 * every cut the wall clock is compared with the monotonic clock; when they disagree by more than
 * {@value #CLOCK_STEP_MS} ms the wall clock was stepped (NTP), the anchor moves by the step and the segment is
 * flagged {@link Segment#clockJump()}.
 *
 * <p>Audio (AAC in ADTS; with fMP4 also G.711, carried as FLAC) is muxed only when the segmenter was built with it,
 * so segments declare only the tracks that exist. The container can change while streaming
 * ({@link #setContainer}): the change takes effect at the next key frame, which starts a new segment. With fMP4 a
 * key frame whose parameter sets (PPS included) differ from the open segment's also starts a new segment, with a
 * new init segment. Not thread-safe: call from one thread (or synchronise).
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
  /** The audio codec string while no AAC header has been seen: AAC LC. */
  private static final String DEFAULT_AUDIO_CODEC = "mp4a.40.2";

  private final DeviceClock clock;
  private final Consumer<Segment> sink;
  private final boolean audio;
  private final AudioCodec audioInput;
  private long target90k;
  private Container container;
  private Container pendingContainer;
  private SegmentWriter writer;

  private VideoCodec codec;
  private ParameterSets params;
  private ParameterSets.StreamInfo segInfo;
  private DtsDeriver dtsDeriver;
  private int reorderDepth = -1;
  private boolean droppingRasl;
  private String audioCodec = DEFAULT_AUDIO_CODEC;
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

  private boolean segmentOpen;
  private boolean segClockJump;
  private boolean pendingDiscontinuity;
  private boolean segDiscontinuity;
  private byte[] segThumbnail;
  private byte[] pendingThumbnail;
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
    this(targetMs, clock, audio ? AudioCodec.AAC : null, Container.TS, sink);
  }

  /**
   * @param targetMs the target segment duration, {@value #MIN_TARGET_MS}..{@value #MAX_TARGET_MS} ms
   * @param clock wall clock (read to anchor the first frame) and monotonic clock (to notice steps)
   * @param audio the audio track's input codec, or null for video only
   * @param container the segment format to start with
   * @param sink receives each finished segment, on the calling thread
   * @throws IllegalArgumentException for G.711 audio with MPEG-TS (no carriage is defined for it)
   */
  public Segmenter(long targetMs, DeviceClock clock, AudioCodec audio, Container container, Consumer<Segment> sink) {
    setTargetMillis(targetMs);
    this.clock = clock;
    this.audio = audio != null;
    this.audioInput = audio;
    this.sink = sink;
    requireCarriage(container);
    this.container = container;
  }

  /**
   * Writes segments in {@code next} from the next key frame on (which starts a new segment); the open segment keeps
   * its container.
   *
   * @throws IllegalArgumentException if the audio cannot go into that container (G.711 in MPEG-TS)
   */
  public void setContainer(Container next) {
    requireCarriage(next);
    if (writer == null) {
      container = next; // nothing written yet
    } else {
      pendingContainer = next == container ? null : next;
    }
  }

  /** The container of the segments written now (or next, once the pending change took effect). */
  public Container container() {
    return pendingContainer != null ? pendingContainer : container;
  }

  private void requireCarriage(Container c) {
    if (c == null) throw new IllegalArgumentException("container is required");
    if (c == Container.TS && audioInput != null && audioInput.isG711()) {
      throw new IllegalArgumentException(audioInput + " audio cannot go into MPEG-TS segments: ISO/IEC 13818-1 "
          + "defines no carriage for G.711; choose the fMP4 container, or encode the audio as AAC");
    }
  }

  /** Changes the target duration; the open segment is cut against the new target. */
  public void setTargetMillis(long targetMs) {
    if (targetMs < MIN_TARGET_MS || targetMs > MAX_TARGET_MS) {
      throw new IllegalArgumentException("segment target must be 1..60 s, got " + targetMs + " ms");
    }
    this.target90k = targetMs * 90;
  }

  /**
   * Declares the reorder depth (how many pictures may precede a picture in decoding order and follow it in output
   * order) used by {@link #pushDerivingDts}, instead of the SPS's. Before the first frame.
   */
  public void setReorderDepth(int frames) {
    if (frames < 0 || frames > 16) throw new IllegalArgumentException("reorder depth must be 0..16, got " + frames);
    if (dtsDeriver != null) throw new IllegalStateException("the reorder depth is fixed once frames arrived");
    reorderDepth = frames;
  }

  /**
   * Adds the next access unit in decoding order, given with its PTS only: the DTS is derived from the reorder
   * depth ({@link #setReorderDepth}, else the first SPS's: H.264 max_num_reorder_frames, H.265
   * sps_max_num_reorder_pics), see {@link DtsDeriver}. Without B-frames the DTS equals the PTS.
   *
   * @throws IllegalArgumentException for the reasons of {@link #push(Frame)}, or a PTS out of order for the reorder
   *     depth (nothing is changed)
   */
  public void pushDerivingDts(VideoCodec codec, List<byte[]> nals, long pts90k) {
    boolean key = codec.isKey(nals);
    check(codec, nals, key);
    if (dtsDeriver == null) {
      if (!key) { // before the first key frame: dropped, no DTS needed
        adopt(codec);
        droppedFrames++;
        return;
      }
      ParameterSets.StreamInfo first = peekInfo(codec, nals);
      long frameDuration = first.frameRate() > 0 ? Math.max(1, Math.round(90_000 / first.frameRate()))
          : ParameterSets.DEFAULT_FRAME_DURATION_90K;
      dtsDeriver = new DtsDeriver(reorderDepth >= 0 ? reorderDepth : first.reorderDepth(), frameDuration);
    }
    long dts = dtsDeriver.next(pts90k);
    push(new Frame(nals, pts90k, dts, key, codec));
  }

  /**
   * Adds the next access unit in decoding order; may emit the previous segment.
   *
   * @throws IllegalArgumentException if its decoding time is not after the previous frame's, its codec is not the
   *     stream's, it is a key frame while a parameter set was never seen, or it changes the VPS/SPS without being a
   *     key frame (nothing is changed)
   */
  public void push(Frame frame) {
    if (lastInputDts != Long.MIN_VALUE && frame.dts90k() <= lastInputDts) {
      throw new IllegalArgumentException("decoding timestamp " + frame.dts90k() + " is not after the previous "
          + lastInputDts + " (90 kHz): timestamps must increase");
    }
    check(frame.codec(), frame.nals(), frame.key());
    adopt(frame.codec());
    lastInputDts = frame.dts90k();
    boolean newConfiguration = frame.key() && (params.sequenceChange(frame.nals()) != null || pendingContainer != null
        || segmentOpen && writer.needsNewSegment(frame.nals()));
    params.remember(frame.nals());
    if (segmentOpen && !frame.key() && frame.pts90k() - segFirstPts >= MAX_TARGET_MS * 90) {
      // over-long GOP: cut; the rest of it cannot start a segment
      finish(frame.pts90k() - segFirstPts, frame.dts90k());
    }
    if (droppingRasl && frame.codec() == VideoCodec.H265 && NalUnits.containsRasl(frame.nals())) {
      droppedFrames++;
      return;
    }
    // Half a frame of slack: encoder timestamps jitter, and a key frame due exactly at the target must not wait a GOP.
    if (!segmentOpen || (frame.key() && (newConfiguration
        || frame.pts90k() - segFirstPts + frameDuration90k / 2 >= target90k))) {
      if (!frame.key()) {
        droppedFrames++;
        return;
      }
      boolean afterGap = !segmentOpen;
      if (segmentOpen) finish(frame.pts90k() - segFirstPts, frame.dts90k());
      open(frame);
      droppingRasl = afterGap && codec == VideoCodec.H265 && !NalUnits.containsIdr(frame.nals());
    } else if (frame.key()) {
      droppingRasl = false; // RASL pictures of a later IRAP decode from the pictures before it, which we have
    }
    List<byte[]> nals = frame.key() ? params.prepend(frame.nals()) : frame.nals();
    writer.video(nals, out(frame.pts90k()), out(frame.dts90k()), frame.key());
    if (frame.dts90k() > lastDts && lastDts != Long.MIN_VALUE) frameDuration90k = frame.dts90k() - lastDts;
    lastDts = frame.dts90k();
    segMaxPts = Math.max(segMaxPts, frame.pts90k());
  }

  /**
   * Adds AAC audio, on the video's clock. Dropped (counted) while no segment is open (audio that comes before any
   * video, or while recording is stopped) or when it would start before the first video frame.
   *
   * @throws IllegalStateException if the segmenter was built without audio, or with G.711
   * @throws IllegalArgumentException if its time is not after the previous audio's
   */
  public void pushAudio(AudioFrame frame) {
    if (!audio) throw new IllegalStateException("this stream was declared without audio");
    if (audioInput != AudioCodec.AAC) throw new IllegalStateException("this stream was declared with " + audioInput);
    if (!acceptAudio(frame.pts90k())) return;
    audioCodec = "mp4a.40." + (((frame.adts()[2] & 0xFF) >>> 6) + 1); // ADTS profile = audio object type − 1
    writer.audio(frame.adts(), out(frame.pts90k()));
  }

  /**
   * Adds G.711 samples (8 kHz, one byte each, in the law the segmenter was built with), on the video's clock; the
   * time is that of the first sample. Dropped (counted) like {@link #pushAudio(AudioFrame)}.
   *
   * @throws IllegalStateException if the segmenter was not built with G.711 audio
   * @throws IllegalArgumentException if {@code samples} is empty or its time is not after the previous audio's
   */
  public void pushG711(byte[] samples, long pts90k) {
    if (audioInput == null || !audioInput.isG711()) {
      throw new IllegalStateException("this stream was not declared with G.711 audio");
    }
    if (samples == null || samples.length == 0) throw new IllegalArgumentException("no G.711 samples");
    if (!acceptAudio(pts90k)) return;
    writer.audio(samples, out(pts90k));
  }

  /** Checks the audio's time; false when the audio is dropped for want of an open segment. */
  private boolean acceptAudio(long pts90k) {
    if (lastAudioPts != Long.MIN_VALUE && pts90k <= lastAudioPts) {
      throw new IllegalArgumentException("audio timestamp " + pts90k + " is not after the previous "
          + lastAudioPts + " (90 kHz)");
    }
    lastAudioPts = pts90k;
    // Audio before the first video frame has no segment to go to; a segment starts with video (a key frame).
    if (!segmentOpen || pts90k < anchorPts) {
      droppedAudio++;
      return false;
    }
    return true;
  }

  /** Ends the stream: emits the open segment, lasting until its last frame's end. */
  public void flush() {
    if (segmentOpen) finish(segMaxPts - segFirstPts + frameDuration90k, lastInputDts + frameDuration90k);
  }

  /** Frames dropped because no segment could start with them (no key frame or parameter sets yet, over-long GOP). */
  public long droppedFrames() {
    return droppedFrames;
  }

  /** Segments emitted so far. */
  public long segmentsCut() {
    return nextSeq;
  }

  /**
   * Marks the next segment to open as a discontinuity ({@link Segment#discontinuity()}): frames between the last
   * segment and it are missing (lost on the way from the encoder), though the timestamps continue.
   */
  public void markDiscontinuity() {
    pendingDiscontinuity = true;
  }

  /**
   * Attaches a small JPEG of the picture to the open segment, or to the next one to open when none is: call it right
   * after pushing a key frame, with that frame's picture. The first thumbnail given for a segment is kept (it shows the
   * segment's first key frame, as the I-frame playlist does); later ones for the same segment are ignored.
   *
   * @throws IllegalArgumentException if it is not a JPEG (no SOI marker, ITU-T T.81 §B.2.1) or is larger than
   *     {@link Segment#MAX_THUMBNAIL_BYTES}
   */
  public void thumbnail(byte[] jpeg) {
    Segment.requireThumbnail(jpeg);
    if (!segmentOpen) {
      pendingThumbnail = jpeg.clone();
    } else if (segThumbnail == null) {
      segThumbnail = jpeg.clone();
    }
  }

  /** Audio frames dropped because no segment was open. */
  public long droppedAudio() {
    return droppedAudio;
  }

  private void open(Frame frame) {
    long offset = clock.wallMillis() - clock.monotonicNanos() / 1_000_000;
    segClockJump = false;
    segDiscontinuity = pendingDiscontinuity;
    pendingDiscontinuity = false;
    segThumbnail = pendingThumbnail;
    pendingThumbnail = null;
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
    if (pendingContainer != null || writer == null) {
      if (pendingContainer != null) container = pendingContainer;
      pendingContainer = null;
      writer = container == Container.FMP4 ? new Fmp4SegmentWriter(codec, audioInput)
          : new TsSegmentWriter(codec, audio);
    }
    writer.begin();
    segmentOpen = true;
    segInfo = params.info();
    segFirstPts = frame.pts90k();
    segMaxPts = frame.pts90k();
    lastDts = Long.MIN_VALUE;
  }

  /** Ends the open segment; {@code endDts90k} (input clock) is the decoding time of the frame after its last. */
  private void finish(long duration90k, long endDts90k) {
    SegmentWriter.Written w = writer.end(out(endDts90k));
    segmentOpen = false;
    long start = anchorWallMs + Math.round((segFirstPts - anchorPts) / 90.0);
    String codecs = w.codecs() != null ? w.codecs() : audio ? segInfo.codec() + "," + audioCodec : segInfo.codec();
    sink.accept(new Segment(w.bytes(), start, Math.round(duration90k / 90.0), nextSeq++, segInfo.width(),
        segInfo.height(), codecs, Segment.sha256Hex(w.bytes()), segClockJump, segInfo.frameRate(), container,
        w.init(), segDiscontinuity, w.keyFrame(), segThumbnail));
    segThumbnail = null;
  }

  private long out(long ts90k) {
    return ts90k - originDts + TS_ORIGIN_90K;
  }

  /**
   * Refuses a frame of another codec than the stream's, a key frame while a parameter set was never seen, and a
   * VPS/SPS change outside a key frame.
   */
  private void check(VideoCodec frameCodec, List<byte[]> nals, boolean key) {
    if (codec != null && frameCodec != codec) {
      throw new IllegalArgumentException("a " + frameCodec + " frame in an " + codec + " stream: one camera streams "
          + "one codec (build another camera for another stream)");
    }
    ParameterSets known = params != null ? params : new ParameterSets(frameCodec);
    String missing = key ? known.missing(nals) : null;
    if (missing != null) {
      throw new IllegalArgumentException("key frame without a " + missing + ", and none was given before: a "
          + frameCodec + " stream must send its parameter sets before or with its first key frame");
    }
    String changed = key ? null : known.sequenceChange(nals);
    if (changed != null) {
      throw new IllegalArgumentException("the " + changed + " changed in an access unit that is not a key frame: a "
          + "new sequence configuration must come with a key frame (IDR/IRAP), where the SDK starts a new segment");
    }
  }

  /** The first frame's codec becomes the stream's. */
  private void adopt(VideoCodec frameCodec) {
    if (codec != null) return;
    codec = frameCodec;
    params = new ParameterSets(codec);
  }

  /** What the SPS in (or before) this key frame says, without remembering anything. */
  private ParameterSets.StreamInfo peekInfo(VideoCodec frameCodec, List<byte[]> nals) {
    ParameterSets scratch = new ParameterSets(frameCodec);
    if (params != null) scratch.remember(params.prepend(nals));
    else scratch.remember(nals);
    return scratch.info();
  }
}
