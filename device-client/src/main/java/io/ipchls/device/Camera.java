package io.ipchls.device;

import io.ipchls.device.codec.AudioCodec;
import io.ipchls.device.codec.AudioInput;
import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.mqtt.MqttCounters;
import io.ipchls.device.mqtt.MqttLink;
import io.ipchls.device.record.EventCounters;
import io.ipchls.device.record.EventRecorder;
import io.ipchls.device.record.RecordingMode;
import io.ipchls.device.segment.AudioFrame;
import io.ipchls.device.segment.DeviceClock;
import io.ipchls.device.segment.Frame;
import io.ipchls.device.segment.Segmenter;
import io.ipchls.device.upload.CredentialSource;
import io.ipchls.device.upload.SegmentSpool;
import io.ipchls.device.upload.UploadCounters;
import io.ipchls.device.upload.UploadPipeline;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.CameraEvent;
import io.ipchls.protocol.CameraStatus;
import io.ipchls.protocol.SegmentDuration;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.StorageTier;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One camera: feed it H.264 or H.265 access units (and AAC or G.711, if declared) and it cuts them into MPEG-TS or
 * fMP4 segments ({@link CameraBuilder#container}),
 * uploads them to object storage and announces each stored segment. Frames come in decoding order, with PTS and DTS
 * or with a PTS only (the DTS is then derived from the stream's reorder depth, for B-frames).
 *
 * <pre>{@code
 * Camera camera = Camera.builder().cameraId("cam-1").secret(secret).mqtt("broker", 1883)
 *     .spool(Path.of("/var/spool/cam-1"), 512 << 20).build();
 * camera.start();
 * camera.putFrame(frame);   // from the encoder thread
 * camera.close();           // cuts and uploads the last segment, goes offline
 * }</pre>
 *
 * <p>With {@link CameraBuilder#mqtt} the camera gets its credentials over MQTT and publishes notifications and its
 * status there ({@link MqttLink}); with {@link CameraBuilder#credentials} (the anchor SDK's mode) the application
 * supplies credentials and may observe uploads through {@link CameraBuilder#onUploaded}.
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
  private final EventRecorder events;
  private final DeviceClock clock;
  private final long drainMillis;
  private final VideoCodec video;
  private final AudioInput audioInput;
  private volatile boolean recording = true;
  /** The segment length the segmenter is configured for, announced with every segment (live target duration). */
  private volatile int targetSeconds;
  private boolean started;
  private boolean closed;

  Camera(CameraSettings s) {
    this.cameraId = s.cameraId();
    SegmentSpool spool = s.spoolDir() == null ? null : new SegmentSpool(s.spoolDir(), s.spoolBytes());
    this.targetSeconds = SegmentDuration.targetSecondsFor(s.segmentMillis());
    Consumer<SegmentNotification> listener = s.onUploaded() == null ? n -> { } : s.onUploaded();
    CredentialSource credentials;
    Consumer<SegmentNotification> announcer;
    if (s.mqtt() != null) {
      Path journal = s.spoolDir() == null ? null : s.spoolDir().resolve(JOURNAL);
      this.link = new MqttLink(s.vertx(), s.mqtt(), journal, this::obey, this::onlineStatus, s.statusMillis());
      credentials = link.credentialSource();
      announcer = n -> {
        link.announce(n);
        listener.accept(n);
      };
    } else {
      this.link = null;
      credentials = s.credentials();
      announcer = listener;
    }
    // every notification says which segment length the camera is configured for: playlists take their live target
    // duration from it (a segment's own length may be longer: segments are cut at key frames)
    Consumer<SegmentNotification> announceTarget = n -> announcer.accept(n.withTargetSeconds(targetSeconds));
    this.uploads = new UploadPipeline(s.cameraId(), s.queueBytes(), spool, credentials, announceTarget, s.upload());
    AudioCodec audioCodec = s.audioInput() == null ? null : s.audioInput().codec();
    this.events = new EventRecorder(s.cameraId(), s.recordingMode(), s.clock()::wallMillis, uploads::add);
    this.clock = s.clock();
    this.segmenter = new Segmenter(s.segmentMillis(), s.clock(), audioCodec, s.container(), events);
    if (s.reorderDepth() >= 0) segmenter.setReorderDepth(s.reorderDepth());
    this.video = s.video();
    this.audioInput = s.audioInput();
    this.drainMillis = s.drainMillis();
  }

  public static CameraBuilder builder() {
    return new CameraBuilder();
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

  /**
   * Adds the next Annex-B access unit (in the builder's {@link CameraBuilder#video codec}), in decoding order, with
   * its presentation time in microseconds. The decoding time is derived: equal to the PTS without B-frames, else
   * from the reorder depth (see {@link CameraBuilder#reorderDepth}).
   *
   * @throws IllegalArgumentException if the bytes are not an Annex-B access unit of the codec (no start code, a
   *     NAL type the codec does not define), the PTS is out of order for the reorder depth, or as
   *     {@link #putFrame(Frame)}
   */
  public synchronized void putFrame(byte[] annexBAccessUnit, long ptsMicros) {
    if (closed) throw new IllegalStateException("camera is closed");
    List<byte[]> nals = video.splitAnnexB(annexBAccessUnit);
    if (recording) segmenter.pushDerivingDts(video, nals, Frame.micros90k(ptsMicros));
  }

  /**
   * Adds the next Annex-B access unit (in the builder's codec), in decoding order, with its presentation and
   * decoding times in microseconds, as an encoder with B-frames gives them.
   *
   * @throws IllegalArgumentException if the DTS is after the PTS or not after the previous frame's, or the bytes are
   *     not an Annex-B access unit of the codec
   */
  public void putFrame(byte[] annexBAccessUnit, long ptsMicros, long dtsMicros) {
    putFrame(Frame.fromAnnexB(video, annexBAccessUnit, ptsMicros, dtsMicros));
  }

  /**
   * Attaches a small JPEG of the picture to the segment being recorded, for scrubbing previews: call it right after
   * {@code putFrame} of a key frame, with that frame's picture (the first thumbnail of a segment is kept, later ones
   * are ignored). It is uploaded under the camera's prefix ({@code <prefix>/thumbs/...jpg}) before the segment's
   * notification names it, and kept in the spool through outages with its segment. Aim for 320x180 and a few KB
   * (a camera's JPEG snapshot encoder, or {@link io.ipchls.device.sim.JpegThumbnail}). Ignored while recording is
   * stopped.
   *
   * @throws IllegalArgumentException if it is not a JPEG or larger than
   *     {@link io.ipchls.device.segment.Segment#MAX_THUMBNAIL_BYTES}
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void putThumbnail(byte[] jpeg) {
    if (closed) throw new IllegalStateException("camera is closed");
    if (recording) segmenter.thumbnail(jpeg);
  }

  /**
   * Adds audio on the video's clock, in microseconds, in the form the builder declared
   * ({@link CameraBuilder#audio(AudioInput)}): whole ADTS frames (one or more), or one raw AAC access unit, which
   * gets its ADTS header from the AudioSpecificConfig, or G.711 samples (8 kHz, one byte each; the time is the
   * first sample's). Audio before the first video frame is dropped (counted by the segmenter): a segment starts with
   * a key frame.
   *
   * @throws IllegalStateException if the camera was built without audio
   * @throws IllegalArgumentException for data that is not whole ADTS frames, or a time not after the previous audio
   */
  public synchronized void putAudio(byte[] data, long ptsMicros) {
    if (closed) throw new IllegalStateException("camera is closed");
    if (audioInput == null) throw new IllegalStateException("this camera was built without audio");
    if (audioInput.codec().isG711()) {
      if (recording) segmenter.pushG711(data, Frame.micros90k(ptsMicros));
      return;
    }
    byte[] adts = audioInput.isAacRaw() ? audioInput.aacConfig().toAdts(data) : data;
    AudioFrame frame = new AudioFrame(adts, Frame.micros90k(ptsMicros));
    if (recording) segmenter.pushAudio(frame);
  }

  /**
   * Writes segments in {@code container} from the next key frame on, which starts a new segment (the open one keeps
   * its container).
   *
   * @throws IllegalArgumentException if the camera's audio cannot go into it (G.711 in MPEG-TS)
   */
  public synchronized void setContainer(Container container) {
    segmenter.setContainer(container);
  }

  /** Changes the target segment duration (1..60 s) from the open segment on. */
  public synchronized void setSegmentSeconds(int seconds) {
    segmenter.setTargetMillis(seconds * 1_000L);
    targetSeconds = SegmentDuration.targetSecondsFor(seconds * 1_000L);
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

  /**
   * Marks the next segment as a discontinuity (announced with {@code discontinuity}): frames before it are missing,
   * as after packets lost between an RTSP camera and a gateway. Usually between {@link #stopRecording()} and
   * {@link #startRecording()}.
   */
  public synchronized void markDiscontinuity() {
    segmenter.markDiscontinuity();
  }

  public boolean isRecording() {
    return recording;
  }

  /**
   * Switches between continuous and event-only recording ({@link CameraBuilder#recordingMode}); from event-only
   * to continuous the pre-roll ring is uploaded first.
   */
  public void setRecordingMode(RecordingMode mode) {
    events.mode(mode);
  }

  public RecordingMode recordingMode() {
    return events.mode();
  }

  /**
   * An event now, in event-only mode: the pre-roll (at least {@link RecordingMode#preRollMs()} before now, in whole
   * segments) is uploaded and recording goes on until the post-roll after the last trigger. Nothing happens in
   * continuous mode. The cloud triggers through the {@value CameraCommand#TRIGGER} command; a gateway through its
   * status API.
   */
  public void trigger() {
    events.trigger(clock.wallMillis());
  }

  /**
   * Publishes {@code event} on {@code cameras/{id}/events} (MQTT mode; QoS 1, dropped and logged while the broker is
   * unreachable) and, in event-only mode, triggers recording: until the post-roll after the event's end, or after
   * now for an instant.
   *
   * @throws IllegalArgumentException if the event breaks the protocol's rules ({@link CameraEvent#problems()})
   */
  public void publishEvent(CameraEvent event) {
    var problems = event.problems();
    if (!problems.isEmpty()) throw new IllegalArgumentException("bad event: " + String.join("; ", problems));
    long now = clock.wallMillis();
    events.trigger(now, event.end() == null ? now : event.end());
    if (link != null) link.publishEvent(event);
  }

  /**
   * Writes later uploads under the storage plan {@code tier}: in its S3 storage class, tagged {@code ipchls-plan}
   * and {@code ipchls-kind} for the bucket's lifecycle rules (null: the bucket's default class, no plan tags). The
   * cloud sets it with a start command's {@code tier}.
   */
  public void setStorageTier(StorageTier tier) {
    uploads.tier(tier);
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
    EventCounters e = events.counters();
    return new CameraMetrics(cut, u.segmentsUploaded(), u.segmentsBackfilled(), u.bytesUploaded(),
        u.segmentsDropped(), u.uploadFailures(), m.notificationsPending(), m.notificationsDropped(),
        m.segmentsRejected(), m.messagesRejected(), u.queuedSegments(), u.queuedBytes(), u.spooledSegments(),
        u.spooledBytes(), framesDropped, recording,
        u.lastError() != null || link == null ? u.lastError() : link.lastConnectError(), e,
        link == null ? null : link.lastRejectedMessage());
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
        setRecordingMode(events.mode().with(c));
        if (c.tier() != null) setStorageTier(StorageTier.fromWireName(c.tier()).orElseThrow()); // problems() checked
        if (c.keyPrefix() != null) setKeyPrefix(c.keyPrefix());
        startRecording();
        // last: a container the audio cannot go into (G.711 in MPEG-TS) is refused (logged by the link), recording
        // goes on in the current one
        if (c.container() != null) setContainer(Container.fromWireName(c.container()));
      }
      case CameraCommand.STOP_RECORDING -> stopRecording();
      case CameraCommand.CONFIGURE -> setSegmentSeconds(c.segmentSeconds());
      case CameraCommand.TRIGGER -> trigger();
      default -> throw new IllegalArgumentException("unknown command " + c.command()); // problems() excludes it
    }
  }
}
