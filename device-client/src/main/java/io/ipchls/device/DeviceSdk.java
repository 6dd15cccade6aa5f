package io.ipchls.device;

import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.upload.StaticCredentialSource;
import io.ipchls.device.upload.StorageCredentials;
import io.ipchls.device.upload.UploadSettings;
import io.ipchls.protocol.CameraIds;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentDuration;
import io.ipchls.protocol.SegmentNotification;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The anchor C SDK's lifecycle in Java, one instance per camera (no global state: several per JVM):
 *
 * <pre>{@code
 * DeviceSdk sdk = DeviceSdk.initialize(4 << 20, "us-east-1", "bucket", "cam-1", URI.create("https://minio:9000"));
 * sdk.setCredential(accessKeyId, secretAccessKey, sessionToken);   // again whenever the application refreshes them
 * sdk.setTag("site", "north");
 * sdk.startUpload();
 * sdk.putVideoFrame(FramePack.of(ptsMicros, FrameItem.inRing(ring, offset, length)));   // from the encoder
 * sdk.finish();   // the anchor's Finalize: cuts and uploads the last segment
 * }</pre>
 *
 * Unlike the anchor it checks every HTTP status, retries with backoff, drops whole oldest segments (counted) when
 * the buffer fills, can spool to disk, writes DTS, declares only the tracks that exist and keeps TLS verification
 * on. Credentials come from the application; for the MQTT-managed camera use {@link Camera} directly.
 */
public final class DeviceSdk implements AutoCloseable {
  private final long bufferBytes;
  private final String region;
  private final String bucket;
  private final String prefix;
  private final URI endpoint;
  private final StaticCredentialSource credentials = new StaticCredentialSource();
  private final Map<String, String> tags = new LinkedHashMap<>();
  private boolean pathStyle;
  private int segmentSeconds = SegmentDuration.DEFAULT_SECONDS;
  private Path spoolDir;
  private long spoolBytes;
  private Consumer<SegmentNotification> onUploaded;
  private VideoCodec videoCodec = VideoCodec.H264;
  private Camera camera;
  private boolean finished;

  private DeviceSdk(long bufferBytes, String region, String bucket, String prefix, URI endpoint) {
    this.bufferBytes = bufferBytes;
    this.region = Objects.requireNonNull(region, "region");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.prefix = ObjectKeys.requirePrefix(prefix);
    this.endpoint = endpoint;
    this.pathStyle = endpoint != null; // S3-compatible servers mostly want path-style; AWS virtual-host
  }

  /**
   * The anchor's {@code Initialize}.
   *
   * @param bufferBytes memory budget for segments waiting for upload (at least 64 KiB; the anchor's buffer size)
   * @param region the bucket's region
   * @param bucket the bucket
   * @param prefix key prefix, e.g. the camera id; objects go to {@code <prefix>/yyyy/MM/dd/HH/mm/ss.SSS-<seq>.ts}
   * @param endpoint an S3-compatible endpoint, or null for AWS
   */
  public static DeviceSdk initialize(long bufferBytes, String region, String bucket, String prefix, URI endpoint) {
    if (bufferBytes < 64 * 1024) throw new IllegalArgumentException("buffer must be at least 64 KiB");
    return new DeviceSdk(bufferBytes, region, bucket, prefix, endpoint);
  }

  /** The anchor's {@code Set_Credential}; may be called again at any time (uploads refused before continue). */
  public void setCredential(String accessKeyId, String secretAccessKey, String sessionToken) {
    credentials.set(new StorageCredentials(Objects.requireNonNull(accessKeyId), Objects.requireNonNull(secretAccessKey),
        sessionToken, endpoint, region, bucket, prefix, pathStyle, Long.MAX_VALUE));
  }

  /** The anchor's {@code Set_Tag}: an object tag for later uploads (stores that keep no tags ignore it). */
  public synchronized void setTag(String key, String value) {
    Map<String, String> next = new LinkedHashMap<>(tags);
    next.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
    UploadSettings.defaults().withTags(next); // validates count and lengths
    tags.put(key, value);
    if (camera != null) camera.setTags(tags);
  }

  /** Path-style ({@code endpoint/bucket/key}) or virtual-host addressing; before {@link #setCredential}. */
  public synchronized void setPathStyle(boolean pathStyle) {
    this.pathStyle = pathStyle;
  }

  /** Target segment duration, 1..60 s (default 3). */
  public synchronized void setSegmentSeconds(int seconds) {
    if (seconds < 1 || seconds > 60) throw new IllegalArgumentException("segment duration must be 1..60 s");
    segmentSeconds = seconds;
    if (camera != null) camera.setSegmentSeconds(seconds);
  }

  /** Keep segments that cannot be uploaded on disk (before {@link #startUpload}). */
  public synchronized void setSpool(Path dir, long maxBytes) {
    requireNotStarted();
    spoolDir = dir;
    spoolBytes = maxBytes;
  }

  /** Called on the upload thread for every stored segment (before {@link #startUpload}). */
  public synchronized void onUploaded(Consumer<SegmentNotification> listener) {
    requireNotStarted();
    onUploaded = listener;
  }

  /**
   * The codec of the frame packs (default H.264; before {@link #startUpload}). H.265 packs hold VPS, SPS, PPS and
   * slices; their decoding times are derived from the SPS's reorder depth, so packs with B-frames work.
   */
  public synchronized void setVideoCodec(VideoCodec codec) {
    requireNotStarted();
    videoCodec = Objects.requireNonNull(codec, "codec");
  }

  /** The anchor's {@code Start_Upload}. */
  public synchronized void startUpload() {
    requireNotStarted();
    if (finished) throw new IllegalStateException("finished");
    CameraBuilder b = Camera.builder().cameraId(cameraIdFor(prefix)).credentials(credentials)
        .segmentSeconds(segmentSeconds).queueBytes(bufferBytes).video(videoCodec)
        .upload(UploadSettings.defaults().withTags(tags));
    if (spoolDir != null) b.spool(spoolDir, spoolBytes);
    if (onUploaded != null) b.onUploaded(onUploaded);
    camera = b.build();
    camera.start();
  }

  /**
   * The anchor's {@code Put_Video_Frame}: one encoded picture, checked (see {@link FramePack}) before it touches
   * any segment. Frames before the first SPS, PPS and IDR are dropped and counted.
   *
   * @throws IllegalArgumentException for garbage, truncated NAL units or timestamps that do not increase
   * @throws IllegalStateException before {@link #startUpload} or after {@link #finish}
   */
  public void putVideoFrame(FramePack pack) {
    Camera c;
    VideoCodec codec;
    synchronized (this) {
      if (camera == null || finished) throw new IllegalStateException("call startUpload() first");
      c = camera;
      codec = videoCodec;
    }
    if (codec == VideoCodec.H265) c.putFrame(AnnexB.join(pack.h265Nals()), pack.timestampMicros());
    else c.putFrame(pack.toFrame());
  }

  public synchronized CameraMetrics metrics() {
    if (camera == null) throw new IllegalStateException("not started");
    return camera.metrics();
  }

  /** The anchor's {@code Finalize}: cuts the last segment, uploads what is queued (or spools it), stops. */
  public void finish() throws InterruptedException {
    Camera c;
    synchronized (this) {
      if (finished) return;
      finished = true;
      c = camera;
    }
    if (c != null) c.close();
  }

  @Override
  public void close() throws InterruptedException {
    finish();
  }

  private void requireNotStarted() {
    if (camera != null) throw new IllegalStateException("already started");
  }

  /** A name for logs and threads: the prefix's last path segment when it is a valid camera id. */
  private static String cameraIdFor(String prefix) {
    String last = prefix.substring(prefix.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
    return CameraIds.isValid(last) ? last : "sdk-camera";
  }
}
