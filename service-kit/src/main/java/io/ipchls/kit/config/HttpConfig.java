package io.ipchls.kit.config;

import io.vertx.core.json.JsonObject;

/** An HTTP listener; port 0 picks a free port (tests). Each service states its own default port. */
public record HttpConfig(String host, int port) {
  public static final StringSetting HOST = StringSetting.named("host").byDefault("127.0.0.1");

  /** The {@code port} setting of a service whose default port is {@code defaultPort}. */
  public static IntSetting port(int defaultPort) {
    return IntSetting.port("port", defaultPort).atLeast(0);
  }

  public static HttpConfig from(Settings s, int defaultPort) {
    return new HttpConfig(HOST.read(s), port(defaultPort).read(s));
  }

  /** The {@code http} section's defaults for a service listening on {@code defaultPort}. */
  public static JsonObject defaults(int defaultPort) {
    return Setting.defaults(HOST, port(defaultPort));
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port);
  }
}
