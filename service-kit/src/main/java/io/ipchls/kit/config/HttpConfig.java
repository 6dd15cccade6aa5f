package io.ipchls.kit.config;

import io.vertx.core.json.JsonObject;

/** An HTTP listener; port 0 picks a free port (tests). */
public record HttpConfig(String host, int port) {
  public static HttpConfig from(Settings s, int defaultPort) {
    return new HttpConfig(s.string("host", "127.0.0.1"), s.integer("port", defaultPort, 0, 65535));
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port);
  }
}
