package io.ipchls.gateway.config;


import com.fasterxml.jackson.annotation.JsonProperty;
import io.ipchls.device.record.RecordingMode;
import io.ipchls.gateway.onvif.OnvifClient;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.CameraIds;
import io.ipchls.protocol.SegmentDuration;
import io.ipchls.protocol.SegmentNotification;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * One camera of the gateway's config file (docs/GATEWAY.md "Config file"); checked in its constructor, so a bad
 * entry is refused with its reason when the file is read.
 *
 * @param id the camera's ipc-hls id (its MQTT identity and key prefix)
 * @param secret its ipc-hls secret (MQTT password); never logged
 * @param url the camera's {@code rtsp://} URL; user info in it is taken as the camera credentials
 * @param user camera user name for RTSP (overrides the URL's and the ONVIF one)
 * @param password camera password for RTSP
 * @param onvif instead of {@code url}: the camera's ONVIF address and account, which give the RTSP URL at each
 *     connection (and the RTSP credentials, unless {@code user} is set)
 * @param segmentSeconds target segment length, 1..60 s (default 3)
 * @param container {@code auto} (default: MPEG-TS, fMP4 when the camera's audio is G.711, which TS cannot carry),
 *     {@code ts} or {@code fmp4}
 * @param audio record the camera's audio when the SDK can (default true)
 * @param mode {@code continuous} (default) or {@code event}: upload only around triggers (the status API's
 *     {@code POST /cameras/{id}/trigger}, the cloud's trigger command), for metered links
 * @param preRollSeconds in event mode, recording kept before a trigger, 0..60 (default 10)
 * @param postRollSeconds in event mode, recording after the last trigger, 1..600 (default 20)
 */
public record CameraConfig(
    @JsonProperty(value = "id", required = true) String id,
    @JsonProperty(value = "secret", required = true) String secret,
    @JsonProperty("url") String url,
    @JsonProperty("user") String user,
    @JsonProperty("password") String password,
    @JsonProperty("onvif") Onvif onvif,
    @JsonProperty("segmentSeconds") Integer segmentSeconds,
    @JsonProperty("container") String container,
    @JsonProperty("audio") Boolean audio,
    @JsonProperty("mode") String mode,
    @JsonProperty("preRollSeconds") Integer preRollSeconds,
    @JsonProperty("postRollSeconds") Integer postRollSeconds) {

  /**
   * A camera found by ONVIF: the device's address ({@code host}, {@code host:port} or its device service URL), the
   * account, and which media profile (token or name; default the first, the main stream on every camera seen).
   */
  public record Onvif(@JsonProperty(value = "address", required = true) String address,
      @JsonProperty("username") String username, @JsonProperty("password") String password,
      @JsonProperty("profile") String profile) {
    public Onvif {
      OnvifClient.deviceServiceUri(address); // refuses what is not an address, with the reason
      if (password != null && username == null) {
        throw new IllegalArgumentException("onvif.password needs onvif.username");
      }
    }

    public URI deviceService() {
      return OnvifClient.deviceServiceUri(address);
    }

    @Override
    public String toString() {
      return "Onvif[" + deviceService() + ", user=" + username + ", profile=" + profile + "]";
    }
  }

  /** The container setting that picks TS, or fMP4 for G.711 audio. */
  public static final String AUTO = "auto";

  public CameraConfig {
    CameraIds.require(id);
    if (secret == null || secret.isEmpty()) throw new IllegalArgumentException("camera " + id + ": secret is empty");
    if (onvif != null && url != null) {
      throw new IllegalArgumentException("camera " + id + ": give either \"url\" or \"onvif\", not both");
    }
    if (onvif == null && url == null) {
      throw new IllegalArgumentException("camera " + id + ": \"url\" (rtsp://...) or \"onvif\" {address, username,"
          + " password} is required");
    }
    if (url != null) {
      URI u;
      try {
        u = new URI(url);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("camera " + id + ": url is not a URL: " + e.getReason());
      }
      if (!"rtsp".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException("camera " + id + ": url must be rtsp://host[:port]/path");
      }
    }
    if (segmentSeconds == null) segmentSeconds = SegmentDuration.DEFAULT_SECONDS;
    if (segmentSeconds < SegmentDuration.MIN_SECONDS || segmentSeconds > SegmentDuration.MAX_SECONDS) {
      throw new IllegalArgumentException("camera " + id + ": segmentSeconds must be " + SegmentDuration.MIN_SECONDS
          + ".." + SegmentDuration.MAX_SECONDS);
    }
    if (container == null) container = AUTO;
    if (!List.of(AUTO, SegmentNotification.CONTAINER_TS, SegmentNotification.CONTAINER_FMP4).contains(container)) {
      throw new IllegalArgumentException("camera " + id + ": container must be auto, ts or fmp4, got " + container);
    }
    if (audio == null) audio = true;
    if (mode == null) mode = CameraCommand.MODE_CONTINUOUS;
    if (!List.of(CameraCommand.MODE_CONTINUOUS, CameraCommand.MODE_EVENT).contains(mode)) {
      throw new IllegalArgumentException("camera " + id + ": mode must be continuous or event, got " + mode);
    }
    if (preRollSeconds == null) preRollSeconds = 10;
    if (preRollSeconds < 0 || preRollSeconds > CameraCommand.MAX_PRE_ROLL_SECONDS) {
      throw new IllegalArgumentException("camera " + id + ": preRollSeconds must be 0.."
          + CameraCommand.MAX_PRE_ROLL_SECONDS);
    }
    if (postRollSeconds == null) postRollSeconds = 20;
    if (postRollSeconds < 1 || postRollSeconds > CameraCommand.MAX_POST_ROLL_SECONDS) {
      throw new IllegalArgumentException("camera " + id + ": postRollSeconds must be 1.."
          + CameraCommand.MAX_POST_ROLL_SECONDS);
    }
  }

  /** A continuously recorded camera (the form before event-only recording). */
  public CameraConfig(String id, String secret, String url, String user, String password, Onvif onvif,
      Integer segmentSeconds, String container, Boolean audio) {
    this(id, secret, url, user, password, onvif, segmentSeconds, container, audio, null, null, null);
  }

  /** How the camera's SDK records: continuously, or event-only with this pre-roll and post-roll. */
  public RecordingMode recordingMode() {
    return CameraCommand.MODE_EVENT.equals(mode)
        ? RecordingMode.eventOnly(preRollSeconds * 1000L, postRollSeconds * 1000L)
        : RecordingMode.CONTINUOUS;
  }

  /** The configured RTSP URL; null for a camera found by ONVIF. */
  public URI uri() {
    return url == null ? null : URI.create(url);
  }

  /** The URL without its user info (or the ONVIF device service), for logs and status. */
  public String safeUrl() {
    if (url == null) return "onvif " + onvif.deviceService();
    URI u = uri();
    return u.getUserInfo() == null ? url : url.replace(u.getRawUserInfo() + "@", "");
  }

  @Override
  public String toString() {
    return "CameraConfig[id=" + id + ", url=" + safeUrl() + "]";
  }
}
