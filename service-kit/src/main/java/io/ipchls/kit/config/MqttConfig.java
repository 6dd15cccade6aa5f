package io.ipchls.kit.config;

import io.vertx.core.json.JsonObject;

/** Where the MQTT broker is and the service's own account on it. The password is never printed. */
public record MqttConfig(String host, int port, boolean ssl, String username, String password) {
  public MqttConfig {
    if (host == null || host.isBlank()) throw new ConfigException("mqtt.host", "is required");
  }

  public static MqttConfig from(Settings s) {
    return new MqttConfig(
        s.string("host", "127.0.0.1"),
        s.integer("port", 1883, 1, 65535),
        s.bool("ssl", false),
        s.requiredString("username"),
        s.requiredString("password"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port).put("ssl", ssl).put("username", username)
        .put("password", password);
  }

  @Override
  public String toString() {
    return "MqttConfig[" + username + "@" + host + ":" + port + (ssl ? " tls" : "") + "]";
  }
}
