package io.ipchls.gateway.record;

import io.ipchls.device.Camera;
import io.ipchls.device.h264.NalUnits;
import io.ipchls.device.segment.Frame;
import io.ipchls.gateway.rtp.AacDepacketizer;
import io.ipchls.gateway.rtp.AccessUnit;
import io.ipchls.gateway.rtp.Depacketizer;
import io.ipchls.gateway.rtp.H264Depacketizer;
import io.ipchls.gateway.rtp.RtpPacket;
import io.ipchls.gateway.rtp.SenderReport;
import io.ipchls.gateway.rtsp.RtspSession;
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
 * starts the next segment at the next key frame, after a gap in time that playlists mark as a discontinuity.
 * Runs on the session's event loop.
 */
final class SessionSink implements RtspSession.Listener {
  private static final Logger log = LoggerFactory.getLogger(SessionSink.class);
  private final String cameraId;
  private final Camera camera;
  private final MediaPlan plan;
  private final LongSupplier nowMicros;
  private final Consumer<String> abort;
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
    this.video = new H264Depacketizer(); // MediaPlan admits only H.264 video until the SDK takes H.265
    this.videoClock = new MediaClock(plan.video().clockRate());
    List<byte[]> sets;
    try {
      sets = plan.video().parameterSets();
    } catch (IllegalArgumentException e) {
      sets = List.of(); // the in-band ones will do; cameras that send only broken SDP ones are rare
    }
    this.sdpParameterSets = sets;
    if (plan.audio() != null) {
      this.audio = AacDepacketizer.fromFmtp(plan.audio().fmtp(), plan.aac().frameLength());
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

  long packetsLost() {
    return video.packetsLost() + (audio == null ? 0 : audio.packetsLost());
  }

  private void video(AccessUnit u) {
    if (u.afterLoss()) cut("video packets lost");
    List<byte[]> nals = u.nals();
    if (!inBandParameterSets && NalUnits.contains(nals, NalUnits.SPS)) inBandParameterSets = true;
    if (!inBandParameterSets && !sdpParameterSets.isEmpty() && NalUnits.containsIdr(nals)) {
      // a camera that sends its SPS/PPS only in the SDP (sprop-parameter-sets): put them before the key frame
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
      camera.putFrame(Frame.of(nals, Frame.micros90k(micros)));
    } catch (IllegalArgumentException e) {
      framesRejected.incrementAndGet();
      cut("frame refused: " + e.getMessage());
    } catch (IllegalStateException e) {
      // the camera is closing: the session is ending
    }
  }

  private void audio(AccessUnit u) {
    long micros = audioClock.micros(u.timestamp(), nowMicros.getAsLong());
    try {
      camera.putAudio(plan.aac().adts(u.nals().get(0)), micros);
    } catch (IllegalArgumentException e) {
      framesRejected.incrementAndGet();
    } catch (IllegalStateException e) {
      // closing
    }
  }

  /** Ends the open segment; the next starts at a key frame (what {@link Camera#stopRecording()} documents). */
  private void cut(String why) {
    if (!camera.isRecording()) return; // stopped by the cloud: stays stopped
    cuts.incrementAndGet();
    log.info("{}: {}: segment cut, next one starts at a key frame", cameraId, why);
    camera.stopRecording();
    camera.startRecording();
  }
}
