package io.ipchls.gateway.record;

import io.ipchls.device.Camera;
import io.ipchls.device.CameraBuilder;
import io.ipchls.device.codec.AudioInput;
import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.gateway.config.CameraConfig;
import io.ipchls.gateway.config.GatewayConfig;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Builds the SDK {@link Camera} for one session of a configured camera: its own MQTT identity, spool directory and
 * segment length. A camera is built per RTSP session: a new session is a new stream (the camera's timestamps
 * restarted), which the SDK marks as a discontinuity when a camera starts, and the cloud sees the camera offline
 * while its RTSP source is unreachable.
 *
 * @param mqtt the broker
 * @param spoolDir the gateway's spool directory, or null
 * @param spoolBytes each camera's spool limit
 * @param vertx the Vert.x every camera's MQTT link runs on (one for the gateway instead of one per camera)
 */
public record CameraFactory(GatewayConfig.Mqtt mqtt, Path spoolDir, long spoolBytes, Vertx vertx) {
  Camera build(CameraConfig c, VideoCodec video, AudioInput audio, Container container,
      Consumer<SegmentNotification> onUploaded) {
    CameraBuilder b = Camera.builder().cameraId(c.id()).secret(c.secret()).mqtt(mqtt.host(), mqtt.port())
        .mqttTls(mqtt.tls()).segmentSeconds(c.segmentSeconds()).video(video).container(container).onUploaded(onUploaded).vertx(vertx)
        .recordingMode(c.recordingMode());
    if (audio != null) b.audio(audio);
    if (mqtt.caPath() != null) b.trustedCa(mqtt.caPath());
    if (spoolDir != null) b.spool(spoolDir.resolve(c.id()), spoolBytes);
    return b.build();
  }
}
