package io.ipchls.device;

import io.ipchls.device.codec.AudioInput;
import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.mqtt.MqttSettings;
import io.ipchls.device.record.RecordingMode;
import io.ipchls.device.segment.DeviceClock;
import io.ipchls.device.segment.Segmenter;
import io.ipchls.device.tls.TrustedCa;
import io.ipchls.device.upload.CredentialSource;
import io.ipchls.device.upload.UploadSettings;
import io.ipchls.protocol.BrokerDefaults;
import io.ipchls.protocol.CameraIds;
import io.ipchls.protocol.SegmentDuration;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.StorageTier;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/** Builds a {@link Camera}: a camera id, and either MQTT (with secret) or a credential source, are required. */
public final class CameraBuilder {
  private String cameraId;
  private String secret;
  private String host;
  private int port = BrokerDefaults.PORT;
  private boolean tls;
  private TrustedCa trust;
  private CredentialSource credentials;
  private Consumer<SegmentNotification> onUploaded;
  private long segmentMillis = SegmentDuration.DEFAULT_MS;
  private long queueBytes = 4L * 1024 * 1024;
  private Path spoolDir;
  private long spoolBytes;
  private long drainMillis = 10_000;
  private long statusMillis = MqttSettings.STATUS_INTERVAL_MS;
  private AudioInput audio;
  private VideoCodec video = VideoCodec.H264;
  private Container container = Container.TS;
  private int reorderDepth = -1;
  private UploadSettings upload = UploadSettings.defaults();
  private Vertx vertx;
  private DeviceClock clock = DeviceClock.system();
  private RecordingMode recordingMode = RecordingMode.CONTINUOUS;

  CameraBuilder() {}

  public CameraBuilder cameraId(String id) {
    this.cameraId = CameraIds.require(id);
    return this;
  }

  /** The camera's secret, for MQTT authentication; never logged. */
  public CameraBuilder secret(String secret) {
    this.secret = secret;
    return this;
  }

  /** The broker that provides credentials and takes notifications. */
  public CameraBuilder mqtt(String host, int port) {
    if (port < 1 || port > 65535) throw new IllegalArgumentException("MQTT port must be 1..65535");
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    return this;
  }

  /** How often the online status with this camera's counters is repeated (default 60 s). */
  public CameraBuilder statusInterval(Duration interval) {
    if (interval.toMillis() < 100) throw new IllegalArgumentException("status interval must be at least 100 ms");
    this.statusMillis = interval.toMillis();
    return this;
  }

  /** Connect to the broker over TLS (certificate chain, validity and host name verified). Default off. */
  public CameraBuilder mqttTls(boolean tls) {
    this.tls = tls;
    return this;
  }

  /**
   * Trust the CA certificates in {@code pemFile} (e.g. a local demo's {@code <data>/tls/ca.pem}) for the broker (over
   * TLS) and the object store (https) instead of the JVM's default trust store. Certificates are still verified in
   * full: chain, validity dates and host name.
   *
   * @throws IllegalArgumentException if the file cannot be read or holds no PEM certificate
   */
  public CameraBuilder trustedCa(Path pemFile) {
    this.trust = TrustedCa.fromPem(Objects.requireNonNull(pemFile, "pemFile"));
    return this;
  }

  /** Without MQTT: storage credentials come from here (e.g. a {@code StaticCredentialSource}). */
  public CameraBuilder credentials(CredentialSource source) {
    this.credentials = Objects.requireNonNull(source);
    return this;
  }

  /** Called on the upload thread with the notification of every stored segment. */
  public CameraBuilder onUploaded(Consumer<SegmentNotification> listener) {
    this.onUploaded = listener;
    return this;
  }

  /** Target segment duration, 1..60 s (default 3); segments are cut at the first key frame after it. */
  public CameraBuilder segmentSeconds(int seconds) {
    return segmentMillis(seconds * 1_000L);
  }

  public CameraBuilder segmentMillis(long millis) {
    if (millis < Segmenter.MIN_TARGET_MS || millis > Segmenter.MAX_TARGET_MS) {
      throw new IllegalArgumentException("segment duration must be " + SegmentDuration.MIN_SECONDS + ".."
          + SegmentDuration.MAX_SECONDS + " s");
    }
    this.segmentMillis = millis;
    return this;
  }

  /** Memory for segments waiting for upload (default 4 MiB); beyond it the oldest are spooled or dropped. */
  public CameraBuilder queueBytes(long bytes) {
    if (bytes < 64 * 1024) throw new IllegalArgumentException("queue budget must be at least 64 KiB");
    this.queueBytes = bytes;
    return this;
  }

  /**
   * Keep segments that cannot be uploaded in {@code dir} (one directory per camera), up to {@code maxBytes}
   * (at least 1 MiB); they survive restarts and are uploaded later, oldest first, with their original times.
   */
  public CameraBuilder spool(Path dir, long maxBytes) {
    this.spoolDir = Objects.requireNonNull(dir);
    this.spoolBytes = maxBytes;
    return this;
  }

  /** How long {@link Camera#close()} waits for queued segments to upload (default 10 s). */
  public CameraBuilder drainMillis(long millis) {
    this.drainMillis = Math.max(0, millis);
    return this;
  }

  /** Declare an AAC audio track fed ADTS frames by {@link Camera#putAudio}. Default off: no audio track is declared. */
  public CameraBuilder audio(boolean audio) {
    this.audio = audio ? AudioInput.aacAdts() : null;
    return this;
  }

  /**
   * Declare an audio track and what {@link Camera#putAudio} takes: AAC in ADTS frames, raw AAC with its
   * AudioSpecificConfig, or G.711 A-law/µ-law samples. G.711 has no standard carriage in MPEG-TS, so
   * {@link #build()} refuses it with the TS container; with {@link Container#FMP4} it is repacked losslessly as
   * FLAC, which browsers play (docs/CAMERA-SDK.md).
   */
  public CameraBuilder audio(AudioInput input) {
    this.audio = Objects.requireNonNull(input, "audio input");
    return this;
  }

  /**
   * The codec of the Annex-B access units given to {@link Camera#putFrame(byte[], long)} (default H.264). Frames
   * given as {@link io.ipchls.device.segment.Frame} say their codec themselves; one camera streams one codec.
   */
  public CameraBuilder video(VideoCodec codec) {
    this.video = Objects.requireNonNull(codec, "video codec");
    return this;
  }

  /**
   * How many pictures the encoder reorders (B-frames: at most this many pictures precede a picture in decoding order
   * and follow it in output order), for deriving DTS when frames come with a PTS only. Default: what the first SPS
   * says (H.264 VUI max_num_reorder_frames, H.265 sps_max_num_reorder_pics). 0..16.
   */
  public CameraBuilder reorderDepth(int frames) {
    if (frames < 0 || frames > 16) throw new IllegalArgumentException("reorder depth must be 0..16");
    this.reorderDepth = frames;
    return this;
  }

  /**
   * The segment format (default {@link Container#TS}): MPEG-TS, or fMP4 with an init segment uploaded once per codec
   * configuration. A record task's start command may switch it later (at the next key frame).
   */
  public CameraBuilder container(Container container) {
    this.container = Objects.requireNonNull(container, "container");
    return this;
  }

  /** Attempts, uplink speed (sizes the timeouts) and object tags. */
  public CameraBuilder upload(UploadSettings settings) {
    this.upload = Objects.requireNonNull(settings);
    return this;
  }

  /** Share a Vert.x instance (the camera will not close it). Default: a small one of its own. */
  public CameraBuilder vertx(Vertx vertx) {
    this.vertx = vertx;
    return this;
  }

  /** The wall and monotonic clocks (default: the system's). */
  public CameraBuilder clock(DeviceClock clock) {
    this.clock = Objects.requireNonNull(clock);
    return this;
  }

  /**
   * Continuous recording (the default) or event-only: upload only from the pre-roll before a trigger
   * ({@link Camera#trigger()}, {@link Camera#publishEvent}, the cloud's trigger command) to the post-roll after the
   * last one. The cloud may change it with a start command.
   */
  public CameraBuilder recordingMode(RecordingMode mode) {
    this.recordingMode = Objects.requireNonNull(mode);
    return this;
  }

  /**
   * The storage plan (see {@link Camera#setStorageTier}); the default is none: the bucket's default class.
   */
  public CameraBuilder storageTier(StorageTier tier) {
    this.upload = upload.withTier(tier);
    return this;
  }

  /** Event-only recording with this pre-roll and post-roll (see {@link #recordingMode}). */
  public CameraBuilder eventOnly(Duration preRoll, Duration postRoll) {
    return recordingMode(RecordingMode.eventOnly(preRoll.toMillis(), postRoll.toMillis())
        .withPreRollBytes(recordingMode.preRollBytes()));
  }

  public Camera build() {
    if (cameraId == null) throw new IllegalStateException("cameraId is required");
    if (host == null && credentials == null) {
      throw new IllegalStateException("either mqtt(host, port) with a secret, or credentials(source), is required");
    }
    if (host != null && secret == null) throw new IllegalStateException("mqtt needs the camera's secret");
    if (audio != null && audio.codec().isG711() && container == Container.TS) {
      throw new IllegalArgumentException(audio.codec() + " audio cannot go into MPEG-TS segments: ISO/IEC 13818-1 "
          + "defines no carriage for G.711; choose the fMP4 container, or encode the audio as AAC");
    }
    MqttSettings mqtt = host == null ? null : new MqttSettings(cameraId, secret, host, port, tls, trust);
    UploadSettings uploads = trust == null ? upload : upload.withTrust(trust);
    return new Camera(new CameraSettings(cameraId, mqtt, statusMillis, credentials, onUploaded, segmentMillis,
        queueBytes, spoolDir, spoolBytes, drainMillis, audio != null, uploads, vertx, clock, video, reorderDepth,
        audio, container, recordingMode));
  }
}
