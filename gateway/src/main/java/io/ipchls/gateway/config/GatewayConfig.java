package io.ipchls.gateway.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.ipchls.protocol.BrokerDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The gateway's config file, JSON (docs/GATEWAY.md "Config file"): the broker every camera connects to, where
 * segments wait while the cloud is unreachable, timeouts, the status endpoint and the cameras.
 *
 * @param mqtt the broker
 * @param spoolDir directory for each camera's spool ({@code <spoolDir>/<id>}), or null for memory only
 * @param spoolMegabytes spool limit per camera (default 1024)
 * @param readTimeoutSeconds no data from a camera for this long ends its session (default 20)
 * @param reconnectMaxSeconds longest wait between reconnects (default 30; the first waits about 1 s)
 * @param authRetrySeconds wait after a camera refused the password or offers nothing recordable (default 300)
 * @param statusPort port of the HTTP status and metrics endpoint on 127.0.0.1; 0 or absent: none
 * @param cameras the cameras, ids unique
 * @param controlToken the bearer token of the status endpoint's control routes ({@code POST
 *     /cameras/{id}/trigger}), at least 16 characters; absent: those routes answer 403
 */
public record GatewayConfig(
    @JsonProperty("mqtt") Mqtt mqtt,
    @JsonProperty("spoolDir") String spoolDir,
    @JsonProperty("spoolMegabytes") Integer spoolMegabytes,
    @JsonProperty("readTimeoutSeconds") Integer readTimeoutSeconds,
    @JsonProperty("reconnectMaxSeconds") Integer reconnectMaxSeconds,
    @JsonProperty("authRetrySeconds") Integer authRetrySeconds,
    @JsonProperty("statusPort") Integer statusPort,
    @JsonProperty(value = "cameras", required = true) List<CameraConfig> cameras,
    @JsonProperty("controlToken") String controlToken) {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /**
   * The broker: host (default 127.0.0.1), port (default 1883), TLS (default off; on when a CA file is given), and the
   * PEM file of the CA that signed the broker's and S3's certificates (the local system's {@code <dataDir>/tls/ca.pem})
   * when it is not a public one.
   */
  public record Mqtt(@JsonProperty("host") String host, @JsonProperty("port") Integer port,
      @JsonProperty("tls") Boolean tls, @JsonProperty("caFile") String caFile) {
    public Mqtt {
      if (host == null || host.isBlank()) host = "127.0.0.1";
      if (port == null) port = BrokerDefaults.PORT;
      if (port < 1 || port > 65535) throw new IllegalArgumentException("mqtt.port must be 1..65535");
      if (tls == null) tls = caFile != null;
      if (caFile != null && !tls) throw new IllegalArgumentException("mqtt.caFile is for TLS: remove it or set tls");
      if (caFile != null && !Files.isReadable(Path.of(caFile))) {
        throw new IllegalArgumentException("mqtt.caFile " + caFile + " cannot be read");
      }
    }

    public Mqtt(String host, Integer port, Boolean tls) {
      this(host, port, tls, null);
    }

    public Path caPath() {
      return caFile == null ? null : Path.of(caFile);
    }
  }

  public GatewayConfig {
    if (mqtt == null) mqtt = new Mqtt(null, null, null, null);
    if (spoolMegabytes == null) spoolMegabytes = 1024;
    if (spoolMegabytes < 1) throw new IllegalArgumentException("spoolMegabytes must be at least 1");
    if (readTimeoutSeconds == null) readTimeoutSeconds = 20;
    if (readTimeoutSeconds < 2 || readTimeoutSeconds > 600) {
      throw new IllegalArgumentException("readTimeoutSeconds must be 2..600");
    }
    if (reconnectMaxSeconds == null) reconnectMaxSeconds = 30;
    if (reconnectMaxSeconds < 1 || reconnectMaxSeconds > 3600) {
      throw new IllegalArgumentException("reconnectMaxSeconds must be 1..3600");
    }
    if (authRetrySeconds == null) authRetrySeconds = 300;
    if (authRetrySeconds < 1 || authRetrySeconds > 86_400) {
      throw new IllegalArgumentException("authRetrySeconds must be 1..86400");
    }
    if (statusPort == null) statusPort = 0;
    if (statusPort < 0 || statusPort > 65535) throw new IllegalArgumentException("statusPort must be 0..65535");
    if (controlToken != null && controlToken.length() < 16) {
      throw new IllegalArgumentException("controlToken must be at least 16 characters");
    }
    if (cameras == null) throw new IllegalArgumentException("\"cameras\" is required (it may be empty)");
    cameras = List.copyOf(cameras);
    Set<String> ids = new HashSet<>();
    for (CameraConfig c : cameras) {
      if (!ids.add(c.id())) throw new IllegalArgumentException("camera id " + c.id() + " is listed twice");
    }
  }

  /** A config without control routes (the form before them). */
  public GatewayConfig(Mqtt mqtt, String spoolDir, Integer spoolMegabytes, Integer readTimeoutSeconds,
      Integer reconnectMaxSeconds, Integer authRetrySeconds, Integer statusPort, List<CameraConfig> cameras) {
    this(mqtt, spoolDir, spoolMegabytes, readTimeoutSeconds, reconnectMaxSeconds, authRetrySeconds, statusPort,
        cameras, null);
  }

  /**
   * Reads and checks a config file.
   *
   * @throws IllegalArgumentException naming the file and the problem (syntax, unknown field, bad value)
   * @throws IOException when the file cannot be read
   */
  public static GatewayConfig read(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  public static GatewayConfig parse(String json, String source) {
    try {
      return JSON.readValue(json, GatewayConfig.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
      throw new IllegalArgumentException(source + ": " + cause.getMessage(), e);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(source + ": " + e.getOriginalMessage() + " at " + path(e), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The settings every recorder shares; a change restarts every camera. */
  public GatewayConfig withoutCameras() {
    return new GatewayConfig(mqtt, spoolDir, spoolMegabytes, readTimeoutSeconds, reconnectMaxSeconds,
        authRetrySeconds, statusPort, List.of(), controlToken);
  }

  public Path spoolPath() {
    return spoolDir == null ? null : Path.of(spoolDir);
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
      } else {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.isEmpty() ? "the top level" : b.toString();
  }
}
