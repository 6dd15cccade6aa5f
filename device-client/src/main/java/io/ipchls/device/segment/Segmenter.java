package io.ipchls.device.segment;

import io.ipchls.device.h264.NalUnits;
import io.ipchls.device.h264.Sps;
import io.ipchls.device.ts.TsMuxer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Cuts a stream of access units into MPEG-TS segments. A new segment starts only at a key frame, and only once the
 * current segment has reached the target duration; so segments last at least the target (except the last) and at
 * most target + one GOP. Every segment starts with SPS, PPS and an IDR picture: the last parameter sets seen are
 * prepended to a key frame that lacks them. Frames before the first key frame with known parameter sets are
 * dropped, since no decoder could use them.
 *
 * <p>Output timestamps are the input's shifted by one constant, so the first frame has DTS {@link #TS_ORIGIN_90K}
 * and segments of one stream line up without gaps; the PCR then never goes negative. Wall-clock start times come
 * from the clock read once, at the first frame, plus timestamp differences: they do not jitter with the clock.
 *
 * <p>Not thread-safe: call from one thread (or synchronise).
 */
public final class Segmenter {
  /** DTS of the first frame in the output, 1.4 s as ffmpeg uses, ≥ the muxer's PCR delay. */
  public static final long TS_ORIGIN_90K = 126_000;
  public static final long MIN_TARGET_MS = 1_000;
  public static final long MAX_TARGET_MS = 60_000;
  /** Frame duration assumed until two frames have been seen (1/15 s). */
  private static final long DEFAULT_FRAME_DURATION_90K = 6_000;

  private final long target90k;
  private final LongSupplier wallClockMs;
  private final Consumer<Segment> sink;

  private byte[] sps;
  private byte[] pps;
  private Sps parsedSps;
  private boolean anchored;
  private long anchorWallMs;
  private long anchorPts;
  private long originDts;
  private long nextSeq;
  private long droppedFrames;

  private TsMuxer muxer;
  private long segFirstPts;
  private long segMaxPts;
  private long lastDts;
  private long frameDuration90k = DEFAULT_FRAME_DURATION_90K;

  /**
   * @param targetMs the target segment duration, {@value #MIN_TARGET_MS}..{@value #MAX_TARGET_MS} ms
   * @param wallClockMs the wall clock (UTC epoch ms), read once to anchor the first frame
   * @param sink receives each finished segment, on the calling thread
   */
  public Segmenter(long targetMs, LongSupplier wallClockMs, Consumer<Segment> sink) {
    if (targetMs < MIN_TARGET_MS || targetMs > MAX_TARGET_MS) {
      throw new IllegalArgumentException("segment target must be 1..60 s, got " + targetMs + " ms");
    }
    this.target90k = targetMs * 90;
    this.wallClockMs = wallClockMs;
    this.sink = sink;
  }

  /** Adds the next access unit in decoding order; may emit the previous segment. */
  public void push(Frame frame) {
    rememberParameterSets(frame.nals());
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

  /** Ends the stream: emits the open segment, lasting until its last frame's end. */
  public void flush() {
    if (muxer != null) finish(segMaxPts - segFirstPts + frameDuration90k);
  }

  /** Frames dropped because no segment could start with them (no key frame or parameter sets yet). */
  public long droppedFrames() {
    return droppedFrames;
  }

  private void open(Frame frame) {
    if (!anchored) {
      anchored = true;
      anchorWallMs = wallClockMs.getAsLong();
      anchorPts = frame.pts90k();
      originDts = frame.dts90k();
    }
    muxer = TsMuxer.builder().build();
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
        sha256Hex(bytes)));
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

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
