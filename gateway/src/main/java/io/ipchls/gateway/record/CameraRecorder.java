package io.ipchls.gateway.record;

import io.ipchls.device.Camera;
import io.ipchls.device.CameraMetrics;
import io.ipchls.gateway.config.CameraConfig;
import io.ipchls.gateway.onvif.OnvifClient;
import io.ipchls.gateway.onvif.OnvifException;
import io.ipchls.gateway.rtsp.AuthenticationException;
import io.ipchls.gateway.rtsp.Credentials;
import io.ipchls.gateway.rtsp.RtspException;
import io.ipchls.gateway.rtsp.RtspSession;
import io.ipchls.gateway.sdp.SessionDescription;
import io.ipchls.protocol.SegmentNotification;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one configured camera for as long as it is configured: opens an RTSP session, feeds its media into an
 * SDK {@link Camera}, and when the session ends (camera rebooted, read timeout, network) starts again after a
 * backoff. A refused password or a stream the SDK cannot take is retried only every {@link Timing#slowRetry}, so a
 * wrong password never turns into a storm of logins. Each recorder has its own thread; nothing is shared with other
 * cameras but the event loops, so one camera's failure never disturbs another.
 */
public final class CameraRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CameraRecorder.class);
  /** How long a stopping recorder may take to finish a connect or request before it is interrupted. */
  static final long STOP_GRACE_MS = 3_000;

  /**
   * @param rtsp connect, read and request timeouts
   * @param backoff delays between reconnects
   * @param slowRetry delay after a refused password or unsupported media
   */
  public record Timing(RtspSession.Options rtsp, Backoff backoff, Duration slowRetry) {
    public static Timing of(Duration readTimeout, long minBackoffMs, long maxBackoffMs, Duration slowRetry) {
      RtspSession.Options d = RtspSession.Options.defaults();
      return new Timing(new RtspSession.Options(d.connectTimeout(), readTimeout, d.requestTimeout()),
          new Backoff(minBackoffMs, maxBackoffMs), slowRetry);
    }
  }

  private final CameraConfig config;
  private final CameraFactory cameras;
  private final EventLoopGroup group;
  private final Timing timing;
  private final Thread thread;
  private final CompletableFuture<String> stop = new CompletableFuture<>();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong segmentsUploaded = new AtomicLong();
  private final AtomicLong packetsLostBefore = new AtomicLong();
  private volatile RecorderState state = RecorderState.CONNECTING;
  private volatile SessionSink sink;
  private volatile Camera camera;
  private volatile SegmentNotification lastSegment;
  private volatile String lastError;
  private volatile String note;
  private volatile long spoolBytes;
  private volatile long nextAttempt;

  public CameraRecorder(CameraConfig config, CameraFactory cameras, EventLoopGroup group, Timing timing) {
    this.config = config;
    this.cameras = cameras;
    this.group = group;
    this.timing = timing;
    this.thread = new Thread(this::run, "gateway-" + config.id());
  }

  public CameraConfig config() {
    return config;
  }

  public void start() {
    thread.start();
  }

  /**
   * Triggers event-only recording on the session's camera (see {@link Camera#trigger()}).
   *
   * @return false when no session runs (the camera is not streaming: nothing to record)
   */
  public boolean trigger() {
    Camera c = camera;
    if (c == null) return false;
    c.trigger();
    return true;
  }

  public RecorderStatus status() {
    SessionSink s = sink;
    Camera c = camera;
    CameraMetrics m = c == null ? null : c.metrics();
    if (m != null) spoolBytes = m.spooledBytes();
    long kbps = 0;
    if (s != null && s.firstMediaNanos != 0) {
      long nanos = Math.max(1, System.nanoTime() - s.firstMediaNanos);
      kbps = s.bytes.get() * 8 * 1_000_000L / nanos;
    }
    SegmentNotification last = lastSegment;
    return new RecorderStatus(config.id(), config.safeUrl(), state.name(), state == RecorderState.STREAMING,
        state == RecorderState.STREAMING && m != null && m.recording(), last == null ? null : last.key(),
        last == null ? 0 : last.start(), kbps, reconnects.get(), segmentsUploaded.get(), spoolBytes,
        packetsLostBefore.get() + (s == null ? 0 : s.packetsLost()), note, lastError, nextAttempt);
  }

  /**
   * Ends the session (TEARDOWN), uploads what the camera holds (or spools it) and stops. A recorder blocked in a
   * connect or request is interrupted after {@link #STOP_GRACE_MS}; one that is uploading is not.
   */
  @Override
  public void close() throws InterruptedException {
    stop.complete("removed");
    thread.join(STOP_GRACE_MS);
    if (thread.isAlive() && camera == null) thread.interrupt();
    thread.join();
  }

  private void run() {
    int failures = 0;
    while (!stop.isDone()) {
      state = RecorderState.CONNECTING;
      long delayMs;
      try {
        boolean flowed = session();
        failures = flowed ? 1 : failures + 1;
        delayMs = timing.backoff().delayMs(failures);
        state = RecorderState.RECONNECTING;
      } catch (AuthenticationException e) {
        lastError = e.getMessage();
        state = RecorderState.AUTH_FAILED;
        delayMs = timing.slowRetry().toMillis();
        log.error("{}: {}; next attempt in {} s", config.id(), e.getMessage(), delayMs / 1000);
      } catch (UnsupportedMediaException e) {
        lastError = e.getMessage();
        state = RecorderState.UNSUPPORTED;
        delayMs = timing.slowRetry().toMillis();
        log.error("{}: {}; next attempt in {} s", config.id(), e.getMessage(), delayMs / 1000);
      } catch (RtspException | RuntimeException e) {
        lastError = e.getMessage();
        failures++;
        delayMs = timing.backoff().delayMs(failures);
        state = RecorderState.RECONNECTING;
        log.warn("{}: session failed: {}; next attempt in {} ms", config.id(), e.getMessage(), delayMs);
      } catch (InterruptedException e) {
        break;
      }
      if (stop.isDone()) break;
      reconnects.incrementAndGet();
      nextAttempt = System.currentTimeMillis() + delayMs;
      try {
        stop.get(delayMs, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // the delay passed: next attempt
      } catch (InterruptedException | ExecutionException e) {
        break;
      } finally {
        nextAttempt = 0;
      }
    }
    state = RecorderState.STOPPED;
  }

  /**
   * The RTSP URL the camera's ONVIF media service gives now (asked at each connection: a camera's address or
   * stream path can change with its settings). A refused password is an authentication failure as with RTSP.
   */
  private URI onvifStreamUri() throws RtspException {
    CameraConfig.Onvif o = config.onvif();
    try {
      URI uri = new OnvifClient(o.deviceService(), o.username(), o.password()).resolveStreamUri(o.profile());
      log.debug("{}: ONVIF stream URI {}", config.id(), uri);
      return uri;
    } catch (OnvifException e) {
      if (e.unauthorized()) throw new AuthenticationException(e.getMessage());
      throw new RtspException(e.getMessage(), e);
    }
  }

  /** One RTSP session, start to end; true when media flowed (the backoff starts over). */
  private boolean session() throws RtspException, UnsupportedMediaException, InterruptedException {
    Credentials credentials = config.user() != null ? new Credentials(config.user(), config.password())
        : config.onvif() != null && config.onvif().username() != null
            ? new Credentials(config.onvif().username(), String.valueOf(config.onvif().password())) : null;
    URI url = config.onvif() != null ? onvifStreamUri() : config.uri();
    try (RtspSession session = RtspSession.connect(group, url, credentials, timing.rtsp())) {
      SessionDescription sdp = session.describe();
      MediaPlan plan = MediaPlan.choose(sdp, config.audio(), config.container());
      note = plan.note();
      Camera c = cameras.build(config, plan.videoCodec(), plan.audioInput(), plan.container(), n -> {
        lastSegment = n;
        segmentsUploaded.incrementAndGet();
      });
      c.start();
      camera = c;
      SessionSink s = new SessionSink(config.id(), c, plan, () -> System.nanoTime() / 1_000, session::abort);
      try {
        session.setup(plan.media());
        sink = s;
        session.play(s);
        state = RecorderState.STREAMING;
        lastError = null;
        log.info("{}: recording {} ({})", config.id(), config.safeUrl(), session.describeTracks());
        String reason = (String) CompletableFuture.anyOf(session.closed(), stop).get();
        if (!stop.isDone()) {
          lastError = reason;
          log.warn("{}: session ended: {}", config.id(), reason);
        }
        return s.firstMediaNanos != 0;
      } catch (ExecutionException e) {
        throw new RtspException(String.valueOf(e.getCause()));
      } finally {
        session.close();
        packetsLostBefore.addAndGet(s.packetsLost());
        sink = null;
        try {
          c.close(); // cuts and uploads the last segment, goes offline
        } finally {
          spoolBytes = c.metrics().spooledBytes();
          camera = null;
        }
      }
    }
  }
}
