package io.ipchls.credential;

import io.ipchls.credential.auth.Secrets;
import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.config.MqttConfig;
import io.ipchls.kit.config.S3Config;
import io.ipchls.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * credential-service configuration.
 *
 * <ul>
 *   <li>{@code http}, {@code db}, {@code mqtt} (the service's own broker account);
 *   <li>{@code s3}: bucket, region, endpoint, publicEndpoint and pathStyle handed to cameras (the key pair is optional
 *       here and never given to cameras);
 *   <li>{@code adminToken}: bearer token of the admin API; only its SHA-256 is kept;
 *   <li>{@code credentialLifetimeSeconds}: lifetime of issued storage keys, 900..43200, default 3600;
 *   <li>{@code serviceAccounts}: broker username → SHA-256 hex of its password.
 * </ul>
 */
public record CredentialConfig(
    HttpConfig http,
    DbConfig db,
    MqttConfig mqtt,
    S3Config s3,
    String adminTokenSha256,
    int credentialLifetimeSeconds,
    Map<String, String> serviceAccounts) {

  public static final int DEFAULT_HTTP_PORT = 8081;
  public static final int MIN_LIFETIME_SECONDS = 900;
  public static final int MAX_LIFETIME_SECONDS = 43_200;
  public static final int MIN_ADMIN_TOKEN_CHARS = 16;
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public CredentialConfig {
    if (http == null) throw new ConfigException("http", "is required");
    if (db == null) throw new ConfigException("db", "is required");
    if (mqtt == null) throw new ConfigException("mqtt", "is required");
    if (s3 == null) throw new ConfigException("s3", "is required");
    if (adminTokenSha256 == null || !SHA256_HEX.matcher(adminTokenSha256).matches()) {
      throw new ConfigException("adminToken", "is required");
    }
    if (credentialLifetimeSeconds < MIN_LIFETIME_SECONDS || credentialLifetimeSeconds > MAX_LIFETIME_SECONDS) {
      throw new ConfigException("credentialLifetimeSeconds",
          "must be in [" + MIN_LIFETIME_SECONDS + ", " + MAX_LIFETIME_SECONDS + "], got " + credentialLifetimeSeconds);
    }
    Map<String, String> accounts = new TreeMap<>();
    (serviceAccounts == null ? Map.<String, String>of() : serviceAccounts).forEach((user, hash) -> {
      if (user == null || user.isBlank()) throw new ConfigException("serviceAccounts", "empty username");
      String h = hash == null ? "" : hash.trim().toLowerCase(Locale.ROOT);
      if (!SHA256_HEX.matcher(h).matches()) {
        throw new ConfigException("serviceAccounts." + user, "must be the SHA-256 hex digest of the password");
      }
      accounts.put(user, h);
    });
    serviceAccounts = Map.copyOf(accounts);
  }

  /** The defaults {@link io.ipchls.kit.config.ConfigLoader} starts from (they also name keys for env overrides). */
  public static JsonObject defaults() {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", DEFAULT_HTTP_PORT))
        .put("db", new JsonObject())
        .put("mqtt", new JsonObject().put("username", "credential-service"))
        .put("s3", new JsonObject())
        .put("adminToken", null)
        .put("credentialLifetimeSeconds", 3600)
        .put("serviceAccounts", new JsonObject());
  }

  public static CredentialConfig fromJson(JsonObject json) {
    Settings root = Settings.root(json);
    String adminToken = root.requiredString("adminToken");
    if (adminToken.length() < MIN_ADMIN_TOKEN_CHARS) {
      throw new ConfigException("adminToken", "must be at least " + MIN_ADMIN_TOKEN_CHARS + " characters");
    }
    return new CredentialConfig(
        HttpConfig.from(root.section("http"), DEFAULT_HTTP_PORT),
        DbConfig.from(root.section("db")),
        MqttConfig.from(root.section("mqtt")),
        // the embedded issuer hands out its own keys; the service's key pair is optional
        S3Config.from(root.section("s3"), false),
        Secrets.sha256Hex(adminToken),
        root.integer("credentialLifetimeSeconds", 3600, MIN_LIFETIME_SECONDS, MAX_LIFETIME_SECONDS),
        serviceAccounts(json.getValue("serviceAccounts")));
  }


  private static Map<String, String> serviceAccounts(Object value) {
    if (value == null) return Map.of();
    if (!(value instanceof JsonObject o)) throw new ConfigException("serviceAccounts", "must be an object");
    Map<String, String> accounts = new TreeMap<>();
    for (String user : o.fieldNames()) {
      Object hash = o.getValue(user);
      if (!(hash instanceof String h)) {
        throw new ConfigException("serviceAccounts." + user, "must be the SHA-256 hex digest of the password");
      }
      accounts.put(user, h);
    }
    return accounts;
  }

  /** The endpoint cameras upload to, or null for AWS's regional endpoint. */
  public String cameraEndpoint() {
    var uri = s3.publicEndpointUri();
    return uri == null ? null : uri.toString();
  }

  @Override
  public String toString() {
    return "CredentialConfig[http=" + http + ", db=" + db + ", mqtt=" + mqtt + ", s3=" + s3
        + ", credentialLifetimeSeconds=" + credentialLifetimeSeconds + ", serviceAccounts="
        + serviceAccounts.keySet() + "]";
  }
}
