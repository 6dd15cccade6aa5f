package io.ipchls.device;

import io.ipchls.device.codec.AudioInput;
import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.mqtt.MqttSettings;
import io.ipchls.device.record.RecordingMode;
import io.ipchls.device.segment.DeviceClock;
import io.ipchls.device.upload.CredentialSource;
import io.ipchls.device.upload.UploadSettings;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What a {@link CameraBuilder} checked and hands to the {@link Camera}.
 *
 * @param mqtt the broker and the camera's secret, or null when {@code credentials} supplies the credentials
 * @param statusMillis how often the online status is repeated over MQTT
 * @param credentials storage credentials without MQTT, else null
 * @param onUploaded called with the notification of every stored segment, or null
 * @param spoolDir where segments (and notifications) wait on disk, or null for no spool
 * @param vertx a shared Vert.x for the MQTT link, or null for one of the camera's own
 * @param video the codec of the frames given as Annex-B bytes
 * @param reorderDepth the declared reorder depth for deriving DTS, or -1 for the SPS's
 * @param audioInput what {@code putAudio} takes, or null without audio ({@code audio} is then false)
 * @param container the segment format until the cloud names another
 * @param recordingMode continuous or event-only, until the cloud names another
 */
record CameraSettings(
    String cameraId,
    MqttSettings mqtt,
    long statusMillis,
    CredentialSource credentials,
    Consumer<SegmentNotification> onUploaded,
    long segmentMillis,
    long queueBytes,
    Path spoolDir,
    long spoolBytes,
    long drainMillis,
    boolean audio,
    UploadSettings upload,
    Vertx vertx,
    DeviceClock clock,
    VideoCodec video,
    int reorderDepth,
    AudioInput audioInput,
    Container container,
    RecordingMode recordingMode) {}
