package io.ipchls.gateway.record;

import io.ipchls.device.Camera;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.gateway.rtp.AacDepacketizer;
import io.ipchls.gateway.rtp.AccessUnit;
import io.ipchls.gateway.rtp.Depacketizer;
import io.ipchls.gateway.rtp.G711Depacketizer;
import io.ipchls.gateway.rtp.H264Depacketizer;
import io.ipchls.gateway.rtp.H265Depacketizer;
import io.ipchls.gateway.rtp.RtpPacket;
import io.ipchls.gateway.rtp.SenderReport;
import io.ipchls.gateway.rtsp.RtspSession;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTSP session's media into one {@link Camera}: RTP → access units (depacketizers) → frames on the camera's
 * clock. A loss cuts the open segment, so no segment holds a picture that refers to a lost one: the camera then
 * starts the next segment at the next key frame, marked as a discontinuity ({@link Camera#markDiscontinuity()}).
 * RTP timestamps are presentation times (RFC 6184 §5.1, RFC 7798 §4.1): frames go to the camera with their PTS in
 * transmission (decoding) order, and the SDK derives the DTS from the SPS's reorder depth, so cameras with B-frames
 * record as others do. Runs on the session's event loop.
 */
final class SessionSink implements RtspSession.Listener {
  private static final Logger log = LoggerFactory.getLogger(SessionSink.class);
  private final String cameraId;
  private final Camera camera;
  private final MediaPlan plan;
  private final LongSupplier nowMicros;
  private final Consumer<String> abort;
  private final VideoCodec codec;
  private final Depacketizer video;
  private final Depacketizer audio;
  private final MediaClock videoClock;
  private final MediaClock audioClock;
  private final List<byte[]> sdpParameterSets;
  private boolean inBandParameterSets;
  private final SenderReport[] reports = new SenderReport[2];
  private boolean aligned;
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong cuts = new AtomicLong();
  final AtomicLong framesRejected = new AtomicLong();
  volatile long firstMediaNanos;

  /** @param abort ends the session with a reason (without blocking: called on the event loop) */
  SessionSink(String cameraId, Camera camera, MediaPlan plan, LongSupplier nowMicros, Consumer<String> abort) {
    this.cameraId = cameraId;
    this.abort = abort;
    this.camera = camera;
    this.plan = plan;
    this.nowMicros = nowMicros;
    this.codec = plan.videoCodec();
    this.video = codec == VideoCodec.H265 ? new H265Depacketizer(donl(plan)) : new H264Depacketizer();
    this.videoClock = new MediaClock(plan.video().clockRate());
    List<byte[]> sets;
    try {
      sets = plan.video().parameterSets();
    } catch (IllegalArgumentException e) {
      sets = List.of(); // the in-band ones will do; cameras that send only broken SDP ones are rare
    }
    this.sdpParameterSets = sets;
    if (plan.audio() != null) {
      this.audio = MediaPlan.isG711(plan.audio().encoding()) ? new G711Depacketizer()
          : AacDepacketizer.fromFmtp(plan.audio().fmtp(), plan.aac().frameLength());
      this.audioClock = new MediaClock(plan.audio().clockRate());
    } else {
      this.audio = null;
      this.audioClock = null;
    }
  }

  @Override
  public void onRtp(int track, RtpPacket packet) {
    if (firstMediaNanos == 0) firstMediaNanos = System.nanoTime();
    bytes.addAndGet(packet.payload().length);
    if (track == 0) {
      for (AccessUnit u : video.push(packet)) video(u);
    } else if (track == 1 && audio != null) {
      for (AccessUnit u : audio.push(packet)) audio(u);
    }
  }

  @Override
  public void onRtcp(int track, byte[] packet) {
    if (track > 1) return;
    SenderReport.find(packet).ifPresent(sr -> {
      reports[track] = sr;
      alignAudio();
    });
  }

  /**
   * Once per session, when both streams have sent a sender report (RFC 3550 §6.4.1): moves the audio onto the
   * video's timeline as the camera's reports say. The first audio frames after the shift may be dropped when it
   * moves audio back; that happens once, within the first seconds.
   */
  private void alignAudio() {
    if (aligned || audioClock == null || reports[0] == null || reports[1] == null) return;
    if (!videoClock.anchored() || !audioClock.anchored()) return;
    aligned = true;
    long shift = audioClock.alignTo(videoClock, reports[0], reports[1]);
    log.debug("{}: audio aligned to video by the sender reports ({} us)", cameraId, shift);
  }

  /** RFC 7798 §7.1: DONL fields are present when sprop-max-don-diff is greater than 0. */
  private static boolean donl(MediaPlan plan) {
    try {
      return Integer.parseInt(plan.video().fmtp().getOrDefault("sprop-max-don-diff", "0").trim()) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  long packetsLost() {
    return video.packetsLost() + (audio == null ? 0 : audio.packetsLost());
  }

  private void video(AccessUnit u) {
    if (u.afterLoss()) cut("video packets lost");
    List<byte[]> nals = u.nals();
    if (!inBandParameterSets && nals.stream().anyMatch(n -> codec.nalType(n) == codec.spsType())) {
      inBandParameterSets = true;
    }
    if (!inBandParameterSets && !sdpParameterSets.isEmpty() && codec.isKey(nals)) {
      // a camera that sends its parameter sets only in the SDP (H.264 sprop-parameter-sets, H.265 sprop-vps/sps/pps):
      // put them before the key frame
      List<byte[]> withSets = new ArrayList<>(sdpParameterSets);
      withSets.addAll(nals);
      nals = withSets;
    }
    long now = nowMicros.getAsLong();
    long micros = videoClock.micros(u.timestamp(), now);
    long jump = videoClock.jump(micros, now);
    if (jump != 0) {
      // nothing after this could join the segments before it: a new session starts a new run (a discontinuity)
      abort.accept("the camera's video timestamps jumped by " + jump / 1_000_000 + " s (its encoder restarted?)");
      return;
    }
    try {
      camera.putFrame(annexB(nals), micros); // the PTS; the SDK derives the DTS (B-frames)
    } catch (IllegalArgumentException e) {
      framesRejected.incrementAndGet();
      cut("frame refused: " + e.getMessage());
    } catch (IllegalStateException e) {
      // the camera is closing: the session is ending
    }
  }

  /** NAL units as an Annex-B byte stream (ITU-T H.264 / H.265 Annex B.1: a 4-byte start code before each). */
  private static byte[] annexB(List<byte[]> nals) {
    int size = 0;
    for (byte[] n : nals) size += 4 + n.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    for (byte[] n : nals) {
      out.write(0);
      out.write(0);
      out.write(0);
      out.write(1);
      out.write(n, 0, n.length);
    }
    return out.toByteArray();
  }

  private void audio(AccessUnit u) {
    long micros = audioClock.micros(u.timestamp(), nowMicros.getAsLong());
    try {
      // G.711: the packet's samples, the first at its timestamp (RFC 3551 §4.5.14); AAC: one access unit with ADTS
      camera.putAudio(plan.aac() == null ? u.nals().get(0) : plan.aac().adts(u.nals().get(0)), micros);
    } catch (IllegalArgumentException e) {
      framesRejected.incrementAndGet();
    } catch (IllegalStateException e) {
      // closing
    }
  }

  /**
   * Ends the open segment; the next starts at a key frame (what {@link Camera#stopRecording()} documents) and is
   * announced with {@code discontinuity}: what was lost is missing between the two, and players must not expect the
   * timeline to continue smoothly across it.
   */
  private void cut(String why) {
    if (!camera.isRecording()) return; // stopped by the cloud: stays stopped
    cuts.incrementAndGet();
    log.info("{}: {}: segment cut, next one starts at a key frame", cameraId, why);
    camera.stopRecording();
    camera.markDiscontinuity();
    camera.startRecording();
  }
}
