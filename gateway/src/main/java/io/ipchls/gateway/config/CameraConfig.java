package io.ipchls.gateway.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.ipchls.protocol.CameraIds;
import io.ipchls.protocol.SegmentDuration;
import io.ipchls.protocol.SegmentNotification;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * One camera of the gateway's config file (docs/GATEWAY.md "Config file"); checked in its constructor, so a bad
 * entry is refused with its reason when the file is read.
 *
 * @param id the camera's ipc-hls id (its MQTT identity and key prefix)
 * @param secret its ipc-hls secret (MQTT password); never logged
 * @param url the camera's {@code rtsp://} URL; user info in it is taken as the camera credentials
 * @param user camera user name (overrides the URL's)
 * @param password camera password
 * @param onvif an ONVIF device address: not supported in this version (refused with a reason)
 * @param segmentSeconds target segment length, 1..60 s (default 3)
 * @param container {@code ts} (default; {@code fmp4} is refused until the SDK writes it)
 * @param audio record the camera's audio when the SDK can (default true)
 */
public record CameraConfig(
    @JsonProperty(value = "id", required = true) String id,
    @JsonProperty(value = "secret", required = true) String secret,
    @JsonProperty("url") String url,
    @JsonProperty("user") String user,
    @JsonProperty("password") String password,
    @JsonProperty("onvif") String onvif,
    @JsonProperty("segmentSeconds") Integer segmentSeconds,
    @JsonProperty("container") String container,
    @JsonProperty("audio") Boolean audio) {

  public CameraConfig {
    CameraIds.require(id);
    if (secret == null || secret.isEmpty()) throw new IllegalArgumentException("camera " + id + ": secret is empty");
    if (onvif != null) {
      throw new IllegalArgumentException("camera " + id + ": ONVIF addresses are not supported yet; give the "
          + "camera's rtsp:// URL in \"url\"");
    }
    if (url == null) throw new IllegalArgumentException("camera " + id + ": \"url\" (rtsp://...) is required");
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("camera " + id + ": url is not a URL: " + e.getReason());
    }
    if (!"rtsp".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
      throw new IllegalArgumentException("camera " + id + ": url must be rtsp://host[:port]/path");
    }
    if (segmentSeconds == null) segmentSeconds = SegmentDuration.DEFAULT_SECONDS;
    if (segmentSeconds < SegmentDuration.MIN_SECONDS || segmentSeconds > SegmentDuration.MAX_SECONDS) {
      throw new IllegalArgumentException("camera " + id + ": segmentSeconds must be " + SegmentDuration.MIN_SECONDS
          + ".." + SegmentDuration.MAX_SECONDS);
    }
    if (container == null) container = SegmentNotification.CONTAINER_TS;
    if (container.equals(SegmentNotification.CONTAINER_FMP4)) {
      throw new IllegalArgumentException("camera " + id + ": container fmp4 is not supported by this SDK yet; use ts");
    }
    if (!container.equals(SegmentNotification.CONTAINER_TS)) {
      throw new IllegalArgumentException("camera " + id + ": container must be ts or fmp4, got " + container);
    }
    if (audio == null) audio = true;
  }

  public URI uri() {
    return URI.create(url);
  }

  /** The URL without its user info, for logs and status. */
  public String safeUrl() {
    URI u = uri();
    return u.getUserInfo() == null ? url : url.replace(u.getRawUserInfo() + "@", "");
  }

  @Override
  public String toString() {
    return "CameraConfig[id=" + id + ", url=" + safeUrl() + "]";
  }
}
