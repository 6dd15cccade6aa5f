package io.ipchls.kit.config;

import io.ipchls.kit.tls.PemTrust;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * An HTTP listener; port 0 picks a free port (tests). Each service states its own default port. With
 * {@code adminPort} (≥ 0; default -1, off) the service serves {@code /health}, {@code /metrics} and {@code /ops/v1/...}
 * on a second listener at {@code adminHost:adminPort} without a token (an admin interface: bind it where only
 * operators and Prometheus reach) and no longer on its main port, where they otherwise need the admin token
 * ({@link io.ipchls.kit.http.AdminEndpoints}). With {@code certFile} and {@code keyFile} (PEM: the certificate chain
 * and its PKCS#8 private key) both listeners speak HTTPS only.
 */
public record HttpConfig(String host, int port, String adminHost, int adminPort, String certFile, String keyFile) {
  public HttpConfig {
    if (certFile == null) certFile = "";
    if (keyFile == null) keyFile = "";
    if (certFile.isBlank() != keyFile.isBlank()) {
      throw new ConfigException(certFile.isBlank() ? "http.certFile" : "http.keyFile",
          "is required with http." + (certFile.isBlank() ? "keyFile" : "certFile"));
    }
    PemTrust.requireReadable("http.certFile", certFile);
    PemTrust.requireReadable("http.keyFile", keyFile);
  }

  /** Plain HTTP. */
  public HttpConfig(String host, int port, String adminHost, int adminPort) {
    this(host, port, adminHost, adminPort, "", "");
  }

  public static final StringSetting HOST = StringSetting.named("host").byDefault("127.0.0.1");
  public static final StringSetting ADMIN_HOST = StringSetting.named("adminHost").byDefault("127.0.0.1");
  /** -1: no admin listener. */
  public static final IntSetting ADMIN_PORT = IntSetting.named("adminPort").byDefault(-1).atLeast(-1).atMost(65_535);
  /** PEM certificate chain for HTTPS; empty: plain HTTP. */
  public static final StringSetting CERT_FILE = StringSetting.named("certFile").byDefault("");
  /** PEM (PKCS#8) private key of {@link #CERT_FILE}. */
  public static final StringSetting KEY_FILE = StringSetting.named("keyFile").byDefault("");

  /** Without an admin listener. */
  public HttpConfig(String host, int port) {
    this(host, port, ADMIN_HOST.defaultValue(), ADMIN_PORT.defaultValue());
  }

  /** The {@code port} setting of a service whose default port is {@code defaultPort}. */
  public static IntSetting port(int defaultPort) {
    return IntSetting.port("port", defaultPort).atLeast(0);
  }

  public static HttpConfig from(Settings s, int defaultPort) {
    return new HttpConfig(HOST.read(s), port(defaultPort).read(s), ADMIN_HOST.read(s), ADMIN_PORT.read(s),
        CERT_FILE.read(s), KEY_FILE.read(s));
  }

  /** The {@code http} section's defaults for a service listening on {@code defaultPort}. */
  public static JsonObject defaults(int defaultPort) {
    return Setting.defaults(HOST, port(defaultPort), ADMIN_HOST, ADMIN_PORT, CERT_FILE, KEY_FILE);
  }

  public boolean tls() {
    return !certFile.isBlank();
  }

  /** {@code https} or {@code http}. */
  public String scheme() {
    return tls() ? "https" : "http";
  }

  /** Server options for a listener of this config: HTTPS with the configured certificate, or plain HTTP. */
  public HttpServerOptions serverOptions() {
    HttpServerOptions o = new HttpServerOptions();
    if (tls()) o.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(certFile).setKeyPath(keyFile));
    return o;
  }

  /** Whether {@code /metrics} and {@code /ops} are on their own listener. */
  public boolean adminListener() {
    return adminPort >= 0;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("host", host).put("port", port);
    if (adminListener()) json.put("adminHost", adminHost).put("adminPort", adminPort);
    if (tls()) json.put("certFile", certFile).put("keyFile", keyFile);
    return json;
  }
}
