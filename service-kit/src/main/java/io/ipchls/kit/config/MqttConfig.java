package io.ipchls.kit.config;

import io.ipchls.kit.tls.PemTrust;
import io.ipchls.protocol.BrokerDefaults;
import io.vertx.core.json.JsonObject;

/**
 * Where the MQTT broker is and the service's own account on it. The password is never printed. With {@code ssl} the
 * broker's certificate and host name are verified, against the CA certificates in {@code caFile} (PEM) when set, else
 * against the JVM's default trust store.
 */
public record MqttConfig(String host, int port, boolean ssl, String username, String password, String caFile) {
  public MqttConfig {
    if (host == null || host.isBlank()) throw new ConfigException("mqtt.host", "is required");
    if (caFile == null) caFile = "";
    if (!caFile.isBlank() && !ssl) throw new ConfigException("mqtt.caFile", "is set but mqtt.ssl is false");
    PemTrust.requireReadable("mqtt.caFile", caFile);
  }

  /** Without a CA file of its own: the JVM's default trust store. */
  public MqttConfig(String host, int port, boolean ssl, String username, String password) {
    this(host, port, ssl, username, password, "");
  }

  public static final StringSetting HOST = StringSetting.named("host").byDefault("127.0.0.1");
  public static final IntSetting PORT = IntSetting.port("port", BrokerDefaults.PORT);
  public static final BoolSetting SSL = BoolSetting.named("ssl").byDefault(false);
  /** The service's account; its default name is the service's, given to {@link #defaults}. */
  public static final StringSetting USERNAME = StringSetting.named("username");
  /** Empty unless configured, which {@link #from} refuses as missing. */
  public static final StringSetting PASSWORD = StringSetting.named("password").byDefault("");
  /** PEM file of the CA certificates the broker's certificate must chain to; empty: the JVM's trust store. */
  public static final StringSetting CA_FILE = StringSetting.named("caFile").byDefault("");

  public static MqttConfig from(Settings s) {
    return new MqttConfig(HOST.read(s), PORT.read(s), SSL.read(s), USERNAME.readRequired(s), PASSWORD.readRequired(s),
        CA_FILE.read(s));
  }

  /** The {@code mqtt} section's defaults for a service whose broker account is {@code username}. */
  public static JsonObject defaults(String username) {
    return Setting.defaults(HOST, PORT, SSL, USERNAME.byDefault(username), PASSWORD, CA_FILE);
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port).put("ssl", ssl).put("username", username)
        .put("password", password).put("caFile", caFile);
  }

  @Override
  public String toString() {
    return "MqttConfig[" + username + "@" + host + ":" + port + (ssl ? " tls" : "") + "]";
  }
}
