package io.ipchls.kit.config;

import io.ipchls.protocol.BrokerDefaults;
import io.vertx.core.json.JsonObject;

/** Where the MQTT broker is and the service's own account on it. The password is never printed. */
public record MqttConfig(String host, int port, boolean ssl, String username, String password) {
  public MqttConfig {
    if (host == null || host.isBlank()) throw new ConfigException("mqtt.host", "is required");
  }

  public static final StringSetting HOST = StringSetting.named("host").byDefault("127.0.0.1");
  public static final IntSetting PORT = IntSetting.port("port", BrokerDefaults.PORT);
  public static final BoolSetting SSL = BoolSetting.named("ssl").byDefault(false);
  /** The service's account; its default name is the service's, given to {@link #defaults}. */
  public static final StringSetting USERNAME = StringSetting.named("username");
  /** Empty unless configured, which {@link #from} refuses as missing. */
  public static final StringSetting PASSWORD = StringSetting.named("password").byDefault("");

  public static MqttConfig from(Settings s) {
    return new MqttConfig(HOST.read(s), PORT.read(s), SSL.read(s), USERNAME.readRequired(s), PASSWORD.readRequired(s));
  }

  /** The {@code mqtt} section's defaults for a service whose broker account is {@code username}. */
  public static JsonObject defaults(String username) {
    return Setting.defaults(HOST, PORT, SSL, USERNAME.byDefault(username), PASSWORD);
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
