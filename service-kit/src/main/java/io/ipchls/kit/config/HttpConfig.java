package io.ipchls.kit.config;

import io.vertx.core.json.JsonObject;

/**
 * An HTTP listener; port 0 picks a free port (tests). Each service states its own default port. With
 * {@code adminPort} (≥ 0; default -1, off) the service serves {@code /health}, {@code /metrics} and {@code /ops/v1/...}
 * on a second listener at {@code adminHost:adminPort} without a token (an admin interface: bind it where only
 * operators and Prometheus reach) and no longer on its main port, where they otherwise need the admin token
 * ({@link io.ipchls.kit.http.AdminEndpoints}).
 */
public record HttpConfig(String host, int port, String adminHost, int adminPort) {
  public static final StringSetting HOST = StringSetting.named("host").byDefault("127.0.0.1");
  public static final StringSetting ADMIN_HOST = StringSetting.named("adminHost").byDefault("127.0.0.1");
  /** -1: no admin listener. */
  public static final IntSetting ADMIN_PORT = IntSetting.named("adminPort").byDefault(-1).atLeast(-1).atMost(65_535);

  /** Without an admin listener. */
  public HttpConfig(String host, int port) {
    this(host, port, ADMIN_HOST.defaultValue(), ADMIN_PORT.defaultValue());
  }

  /** The {@code port} setting of a service whose default port is {@code defaultPort}. */
  public static IntSetting port(int defaultPort) {
    return IntSetting.port("port", defaultPort).atLeast(0);
  }

  public static HttpConfig from(Settings s, int defaultPort) {
    return new HttpConfig(HOST.read(s), port(defaultPort).read(s), ADMIN_HOST.read(s), ADMIN_PORT.read(s));
  }

  /** The {@code http} section's defaults for a service listening on {@code defaultPort}. */
  public static JsonObject defaults(int defaultPort) {
    return Setting.defaults(HOST, port(defaultPort), ADMIN_HOST, ADMIN_PORT);
  }

  /** Whether {@code /metrics} and {@code /ops} are on their own listener. */
  public boolean adminListener() {
    return adminPort >= 0;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("host", host).put("port", port);
    if (adminListener()) json.put("adminHost", adminHost).put("adminPort", adminPort);
    return json;
  }
}
