package io.ipchls.device;

import io.ipchls.device.mqtt.MqttCounters;
import io.ipchls.device.mqtt.MqttLink;
import io.ipchls.device.mqtt.MqttSettings;
import io.ipchls.device.segment.AudioFrame;
import io.ipchls.device.segment.DeviceClock;
import io.ipchls.device.segment.Frame;
import io.ipchls.device.segment.Segmenter;
import io.ipchls.device.upload.CredentialSource;
import io.ipchls.device.upload.SegmentSpool;
import io.ipchls.device.upload.UploadCounters;
import io.ipchls.device.upload.UploadPipeline;
import io.ipchls.device.upload.UploadSettings;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.CameraIds;
import io.ipchls.protocol.CameraStatus;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One camera: feed it H.264 access units (and AAC, if declared) and it cuts them into MPEG-TS segments, uploads them
 * to object storage and announces each stored segment.
 *
 * <pre>{@code
 * Camera camera = Camera.builder().cameraId("cam-1").secret(secret).mqtt("broker", 1883)
 *     .spool(Path.of("/var/spool/cam-1"), 512 << 20).build();
 * camera.start();
 * camera.putFrame(frame);   // from the encoder thread
 * camera.close();           // cuts and uploads the last segment, goes offline
 * }</pre>
 *
 * <p>With {@link Builder#mqtt} the camera gets its credentials over MQTT and publishes notifications and its status
 * there ({@link MqttLink}); with {@link Builder#credentials} (the anchor SDK's mode) the application supplies
 * credentials and may observe uploads through {@link Builder#onUploaded}.
 *
 * <p>Segments wait in a memory budget (default 4 MiB); beyond it whole oldest segments go to the optional spool or
 * are dropped and counted. Cameras share nothing: several can run in one JVM (optionally on one {@link Vertx}).
 */
public final class Camera implements AutoCloseable {
  /** Folder in the spool for notifications not yet acknowledged by the broker. */
  static final String JOURNAL = "notifications";

  private final String cameraId;
  private final MqttLink link;
  private final Segmenter segmenter;
  private final UploadPipeline uploads;
  private final long drainMillis;
  private volatile boolean recording = true;
  private boolean started;
  private boolean closed;

  private Camera(Builder b) {
    this.cameraId = b.cameraId;
    SegmentSpool spool = b.spoolDir == null ? null : new SegmentSpool(b.spoolDir, b.spoolBytes);
    Consumer<SegmentNotification> listener = b.onUploaded == null ? n -> { } : b.onUploaded;
    CredentialSource credentials;
    Consumer<SegmentNotification> announcer;
    if (b.host != null) {
      this.link = new MqttLink(b.vertx, new MqttSettings(b.cameraId, b.secret, b.host, b.port, b.tls),
          b.spoolDir == null ? null : b.spoolDir.resolve(JOURNAL), this::obey, this::onlineStatus, b.statusMillis);
      credentials = link.credentialSource();
      announcer = n -> {
        link.announce(n);
        listener.accept(n);
      };
    } else {
      this.link = null;
      credentials = b.credentials;
      announcer = listener;
    }
    this.uploads = new UploadPipeline(b.cameraId, b.queueBytes, spool, credentials, announcer, b.upload);
    this.segmenter = new Segmenter(b.segmentMillis, b.clock, b.audio, uploads::add);
    this.drainMillis = b.drainMillis;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String cameraId() {
    return cameraId;
  }

  /** Connects to the broker (MQTT mode) and starts the upload thread. Frames may be put before the link is up. */
  public synchronized void start() {
    if (started || closed) throw new IllegalStateException("camera already started or closed");
    started = true;
    if (link != null) link.start();
    uploads.start();
  }

  /**
   * Adds the next access unit, in decoding order. Never blocks on the network. Ignored while recording is stopped.
   *
   * @throws IllegalArgumentException if its decoding time is not after the previous frame's
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void putFrame(Frame frame) {
    if (closed) throw new IllegalStateException("camera is closed");
    if (recording) segmenter.push(frame);
  }

  /** Adds an Annex-B access unit with its presentation time in microseconds (no B-frames: pts = dts). */
  public void putFrame(byte[] annexBAccessUnit, long ptsMicros) {
    putFrame(Frame.fromAnnexB(annexBAccessUnit, ptsMicros));
  }

  /**
   * Adds AAC audio (whole ADTS frames) on the video's clock, in microseconds.
   *
   * @throws IllegalStateException if the camera was built without {@link Builder#audio(boolean)}
   * @throws IllegalArgumentException for data that is not whole ADTS frames, or a time not after the previous audio
   */
  public synchronized void putAudio(byte[] adts, long ptsMicros) {
    if (closed) throw new IllegalStateException("camera is closed");
    AudioFrame frame = new AudioFrame(adts, Frame.micros90k(ptsMicros));
    if (recording) segmenter.pushAudio(frame);
  }

  /** Changes the target segment duration (1..60 s) from the open segment on. */
  public synchronized void setSegmentSeconds(int seconds) {
    segmenter.setTargetMillis(seconds * 1_000L);
  }

  /**
   * Writes later uploads under {@code keyPrefix} (a record task's prefix) instead of the credentials' prefix; it must
   * lie inside (or equal) the credentials' prefix, else uploads keep using the credentials' prefix (logged). Applies
   * from the next upload; {@code null} goes back to the credentials' prefix.
   */
  public void setKeyPrefix(String keyPrefix) {
    uploads.keyPrefix(keyPrefix);
  }

  /** Stops recording: the open segment is cut and uploaded, later frames are ignored until {@link #startRecording}. */
  public synchronized void stopRecording() {
    if (!recording) return;
    recording = false;
    segmenter.flush();
  }

  /** Resumes recording; the next segment starts at the next key frame. */
  public synchronized void startRecording() {
    recording = true;
  }

  public boolean isRecording() {
    return recording;
  }

  /** Replaces the object tags of later uploads. */
  public void setTags(Map<String, String> tags) {
    uploads.tags(tags);
  }

  /** The camera's counters now. */
  public CameraMetrics metrics() {
    long framesDropped;
    long cut;
    synchronized (this) {
      framesDropped = segmenter.droppedFrames();
      cut = segmenter.segmentsCut();
    }
    UploadCounters u = uploads.counters();
    MqttCounters m = link == null ? MqttCounters.NONE : link.counters();
    return new CameraMetrics(cut, u.segmentsUploaded(), u.segmentsBackfilled(), u.bytesUploaded(),
        u.segmentsDropped(), u.uploadFailures(), m.notificationsPending(), m.notificationsDropped(),
        m.segmentsRejected(), m.messagesRejected(), u.queuedSegments(), u.queuedBytes(), u.spooledSegments(),
        u.spooledBytes(), framesDropped, recording, u.lastError());
  }

  /**
   * Cuts the open segment and gives the upload thread up to the builder's drain time to upload what is queued and
   * the broker to acknowledge the notifications; what is still queued then goes to the spool (or is counted as
   * dropped). Publishes the offline status and disconnects.
   */
  @Override
  public void close() throws InterruptedException {
    synchronized (this) {
      if (closed) return;
      closed = true;
      segmenter.flush();
      uploads.closeQueue();
    }
    if (started) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMillis);
      uploads.drain(drainMillis);
      // the last segment's notification needs a moment for its PUBACK even when the uploads used up the drain time
      if (link != null) link.close(Math.max(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(2)));
    }
    if (link != null) link.release();
  }

  /** The retained online status with this camera's counters, as the MQTT link publishes it. */
  private CameraStatus onlineStatus() {
    CameraMetrics m = metrics();
    return CameraStatus.online(System.currentTimeMillis(), m.segmentsUploaded(), m.segmentsDropped());
  }

  /** Runs a command from the cloud (on the MQTT link's context). */
  private void obey(CameraCommand c) {
    switch (c.command()) {
      case CameraCommand.START_RECORDING -> {
        if (c.segmentSeconds() != null) setSegmentSeconds(c.segmentSeconds());
        if (c.keyPrefix() != null) setKeyPrefix(c.keyPrefix());
        startRecording();
      }
      case CameraCommand.STOP_RECORDING -> stopRecording();
      case CameraCommand.CONFIGURE -> setSegmentSeconds(c.segmentSeconds());
      default -> throw new IllegalArgumentException("unknown command " + c.command()); // problems() excludes it
    }
  }

  /** Builds a {@link Camera}: a camera id, and either MQTT (with secret) or a credential source, are required. */
  public static final class Builder {
    private String cameraId;
    private String secret;
    private String host;
    private int port = 1883;
    private boolean tls;
    private CredentialSource credentials;
    private Consumer<SegmentNotification> onUploaded;
    private long segmentMillis = 3_000;
    private long queueBytes = 4L * 1024 * 1024;
    private Path spoolDir;
    private long spoolBytes;
    private long drainMillis = 10_000;
    private long statusMillis = MqttSettings.STATUS_INTERVAL_MS;
    private boolean audio;
    private UploadSettings upload = UploadSettings.defaults();
    private Vertx vertx;
    private DeviceClock clock = DeviceClock.system();

    private Builder() {}

    public Builder cameraId(String id) {
      this.cameraId = CameraIds.require(id);
      return this;
    }

    /** The camera's secret, for MQTT authentication; never logged. */
    public Builder secret(String secret) {
      this.secret = secret;
      return this;
    }

    /** The broker that provides credentials and takes notifications. */
    public Builder mqtt(String host, int port) {
      if (port < 1 || port > 65535) throw new IllegalArgumentException("MQTT port must be 1..65535");
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /** Connect to the broker over TLS (certificates and host name verified). Default off. */
    /** How often the online status with this camera's counters is repeated (default 60 s). */
    public Builder statusInterval(java.time.Duration interval) {
      if (interval.toMillis() < 100) throw new IllegalArgumentException("status interval must be at least 100 ms");
      this.statusMillis = interval.toMillis();
      return this;
    }

    public Builder mqttTls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /** Without MQTT: storage credentials come from here (e.g. a {@code StaticCredentialSource}). */
    public Builder credentials(CredentialSource source) {
      this.credentials = Objects.requireNonNull(source);
      return this;
    }

    /** Called on the upload thread with the notification of every stored segment. */
    public Builder onUploaded(Consumer<SegmentNotification> listener) {
      this.onUploaded = listener;
      return this;
    }

    /** Target segment duration, 1..60 s (default 3); segments are cut at the first key frame after it. */
    public Builder segmentSeconds(int seconds) {
      return segmentMillis(seconds * 1_000L);
    }

    public Builder segmentMillis(long millis) {
      if (millis < Segmenter.MIN_TARGET_MS || millis > Segmenter.MAX_TARGET_MS) {
        throw new IllegalArgumentException("segment duration must be 1..60 s");
      }
      this.segmentMillis = millis;
      return this;
    }

    /** Memory for segments waiting for upload (default 4 MiB); beyond it the oldest are spooled or dropped. */
    public Builder queueBytes(long bytes) {
      if (bytes < 64 * 1024) throw new IllegalArgumentException("queue budget must be at least 64 KiB");
      this.queueBytes = bytes;
      return this;
    }

    /**
     * Keep segments that cannot be uploaded in {@code dir} (one directory per camera), up to {@code maxBytes}
     * (at least 1 MiB); they survive restarts and are uploaded later, oldest first, with their original times.
     */
    public Builder spool(Path dir, long maxBytes) {
      this.spoolDir = Objects.requireNonNull(dir);
      this.spoolBytes = maxBytes;
      return this;
    }

    /** How long {@link Camera#close()} waits for queued segments to upload (default 10 s). */
    public Builder drainMillis(long millis) {
      this.drainMillis = Math.max(0, millis);
      return this;
    }

    /** Declare an AAC audio track (fed by {@link Camera#putAudio}). Default off: no audio track is declared. */
    public Builder audio(boolean audio) {
      this.audio = audio;
      return this;
    }

    /** Attempts, uplink speed (sizes the timeouts) and object tags. */
    public Builder upload(UploadSettings settings) {
      this.upload = Objects.requireNonNull(settings);
      return this;
    }

    /** Share a Vert.x instance (the camera will not close it). Default: a small one of its own. */
    public Builder vertx(Vertx vertx) {
      this.vertx = vertx;
      return this;
    }

    /** The wall and monotonic clocks (default: the system's). */
    public Builder clock(DeviceClock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public Camera build() {
      if (cameraId == null) throw new IllegalStateException("cameraId is required");
      if (host == null && credentials == null) {
        throw new IllegalStateException("either mqtt(host, port) with a secret, or credentials(source), is required");
      }
      if (host != null && secret == null) throw new IllegalStateException("mqtt needs the camera's secret");
      return new Camera(this);
    }
  }
}
