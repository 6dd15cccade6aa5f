package io.ipchls.credential;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.config.IntSetting;
import io.ipchls.kit.config.MqttConfig;
import io.ipchls.kit.config.S3Config;
import io.ipchls.kit.config.Setting;
import io.ipchls.kit.config.Settings;
import io.ipchls.kit.config.StringSetting;
import io.ipchls.kit.crypto.Sha256;
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
 *   <li>{@code serviceAccounts}: broker username → SHA-256 hex of its password;
 *   <li>{@code issuer}: {@code embedded} (keys for the embedded S3 server, default) or {@code sts} (AssumeRole, see
 *       {@link StsConfig});
 *   <li>{@code auth}: {@link AuthSettings} (bcrypt cost, login cache TTL, the external broker hook's secret);
 *   <li>{@code rateLimit}: {@link RateLimit} of credential requests per camera.
 * </ul>
 */
public record CredentialConfig(
    HttpConfig http,
    DbConfig db,
    MqttConfig mqtt,
    S3Config s3,
    String adminTokenSha256,
    int credentialLifetimeSeconds,
    Map<String, String> serviceAccounts,
    Issuer issuer,
    StsConfig sts,
    AuthSettings auth,
    RateLimit rateLimit,
    AuditSettings audit,
    int mqttConnections) {

  public static final int DEFAULT_HTTP_PORT = 8081;
  public static final int MIN_LIFETIME_SECONDS = 900;
  public static final int MAX_LIFETIME_SECONDS = 43_200;
  public static final int MIN_ADMIN_TOKEN_CHARS = 16;
  /** See docs/PERFORMANCE.md "Credentials": secrets are 256-bit random, so the cost buys little and the storm pays for it. */
  public static final int DEFAULT_BCRYPT_COST = 8;
  public static final int DEFAULT_AUTH_CACHE_TTL_SECONDS = 900;
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
    if (issuer == null) throw new ConfigException("issuer", "must be embedded or sts");
    if (issuer == Issuer.STS && sts == null) throw new ConfigException("sts", "is required for issuer sts");
    if (auth == null) throw new ConfigException("auth", "is required");
    if (rateLimit == null) throw new ConfigException("rateLimit", "is required");
    if (audit == null) throw new ConfigException("audit", "is required");
  }

  /** Which {@link io.ipchls.credential.issuer.CredentialIssuer} hands out storage credentials. */
  public enum Issuer {
    /** Random key pairs in the cluster map that the embedded S3 server reads. */
    EMBEDDED,
    /** AssumeRole against AWS STS or MinIO's STS, with a session policy for the camera's prefix. */
    STS;

    static Issuer parse(String value) {
      for (Issuer i : values()) {
        if (i.name().equalsIgnoreCase(value.trim())) return i;
      }
      throw new ConfigException("issuer", "must be embedded or sts, got '" + value + "'");
    }
  }

  /**
   * Broker login settings.
   *
   * @param bcryptCost no longer used for new secrets (they are stored as SHA-256, see
   *     {@link io.ipchls.credential.auth.SecretHashes}); kept so that existing configs stay valid
   * @param cacheTtlSeconds how long a successful camera login is remembered (0 = never)
   * @param brokerHookSecretSha256 SHA-256 hex of the secret an external broker (EMQX) must send in
   *     {@value #BROKER_HOOK_HEADER}; null disables the HTTP auth endpoints
   * @param maxFailuresPerCamera failed logins of one camera id within {@code failureWindowSeconds} after which its
   *     logins are refused without a check until the window ends
   * @param maxFailuresPerAddress the same per source address
   * @param failureWindowSeconds how long a window of failures lasts, from its first failure
   */
  public record AuthSettings(int bcryptCost, int cacheTtlSeconds, String brokerHookSecretSha256,
      int maxFailuresPerCamera, int maxFailuresPerAddress, int failureWindowSeconds) {
    public static final String BROKER_HOOK_HEADER = "X-Ipchls-Broker-Secret";

    /** The defaults for the throttle. */
    public AuthSettings(int bcryptCost, int cacheTtlSeconds, String brokerHookSecretSha256) {
      this(bcryptCost, cacheTtlSeconds, brokerHookSecretSha256, AUTH_MAX_FAILURES_PER_CAMERA.defaultValue(),
          AUTH_MAX_FAILURES_PER_ADDRESS.defaultValue(), AUTH_FAILURE_WINDOW_SECONDS.defaultValue());
    }
  }

  /**
   * The audit trail: refused broker logins are written as one row per camera, source address and reason every
   * {@code refusalIntervalSeconds} (with their count); rows older than {@code retentionDays} are deleted every
   * {@code sweepIntervalSeconds}, by one instance at a time.
   */
  public record AuditSettings(int retentionDays, int sweepIntervalSeconds, int refusalIntervalSeconds) {}

  /**
   * Token bucket per camera for credential requests: {@code burst} requests at once, then one more every
   * {@code refillSeconds}.
   */
  public record RateLimit(int burst, int refillSeconds) {}

  /**
   * The {@code sts} issuer: AssumeRole of {@code roleArn} with the service's own key pair, at {@code endpoint}
   * (empty: AWS's regional STS endpoint; MinIO: its server URL).
   */
  public record StsConfig(String endpoint, String region, String roleArn, String accessKeyId,
      String secretAccessKey) {
    /** Empty: AWS's regional STS endpoint. */
    public static final StringSetting ENDPOINT = StringSetting.named("endpoint").byDefault("");
    /** Default: {@code s3.region}. */
    public static final StringSetting REGION = StringSetting.named("region");
    public static final StringSetting ROLE_ARN = StringSetting.named("roleArn");
    /** Default, with {@link #SECRET_ACCESS_KEY}: s3's key pair. */
    public static final StringSetting ACCESS_KEY_ID = StringSetting.named("accessKeyId");
    public static final StringSetting SECRET_ACCESS_KEY = StringSetting.named("secretAccessKey");

    static StsConfig from(Settings s, S3Config s3) {
      String keyId = ACCESS_KEY_ID.byDefault(s3.accessKeyId()).read(s);
      String secret = SECRET_ACCESS_KEY.byDefault(s3.secretAccessKey()).read(s);
      if (keyId.isBlank() || secret.isBlank()) {
        throw new ConfigException(s.name("accessKeyId"), "and sts.secretAccessKey (or s3's key pair) are required");
      }
      return new StsConfig(ENDPOINT.read(s), REGION.byDefault(s3.region()).read(s), ROLE_ARN.readRequired(s), keyId,
          secret);
    }

    @Override
    public String toString() {
      return "StsConfig[endpoint=" + endpoint + ", region=" + region + ", roleArn=" + roleArn + "]";
    }
  }

  /** No default: the service does not start without one. */
  public static final StringSetting ADMIN_TOKEN = StringSetting.named("adminToken");
  public static final IntSetting CREDENTIAL_LIFETIME_SECONDS = IntSetting.named("credentialLifetimeSeconds")
      .byDefault(3600).atLeast(MIN_LIFETIME_SECONDS).atMost(MAX_LIFETIME_SECONDS);
  /** {@code embedded} or {@code sts}, see {@link Issuer}. */
  public static final StringSetting ISSUER = StringSetting.named("issuer").byDefault("embedded");
  /** In the {@code auth} section. */
  public static final IntSetting AUTH_BCRYPT_COST = IntSetting.named("bcryptCost").byDefault(DEFAULT_BCRYPT_COST)
      .atLeast(4).atMost(14);
  public static final IntSetting AUTH_CACHE_TTL_SECONDS = IntSetting.named("cacheTtlSeconds")
      .byDefault(DEFAULT_AUTH_CACHE_TTL_SECONDS).atLeast(0).atMost(86_400);
  public static final IntSetting AUTH_MAX_FAILURES_PER_CAMERA = IntSetting.named("maxFailuresPerCamera")
      .byDefault(5).atLeast(1).atMost(10_000);
  /** Higher than per camera: many cameras may share one address (NAT); only failures count. */
  public static final IntSetting AUTH_MAX_FAILURES_PER_ADDRESS = IntSetting.named("maxFailuresPerAddress")
      .byDefault(50).atLeast(1).atMost(1_000_000);
  public static final IntSetting AUTH_FAILURE_WINDOW_SECONDS = IntSetting.named("failureWindowSeconds")
      .byDefault(300).atLeast(1).atMost(86_400);
  /** In the {@code audit} section. */
  public static final IntSetting AUDIT_RETENTION_DAYS = IntSetting.named("retentionDays").byDefault(90).atLeast(1)
      .atMost(36_500);
  public static final IntSetting AUDIT_SWEEP_INTERVAL_SECONDS = IntSetting.named("sweepIntervalSeconds")
      .byDefault(3600).atLeast(1).atMost(86_400);
  public static final IntSetting AUDIT_REFUSAL_INTERVAL_SECONDS = IntSetting.named("refusalIntervalSeconds")
      .byDefault(60).atLeast(1).atMost(86_400);
  /** How many MQTT sessions take credential requests from the shared subscription. */
  public static final IntSetting MQTT_CONNECTIONS = IntSetting.named("mqttConnections").byDefault(4).atLeast(1)
      .atMost(64);
  /** No default: without one the broker hook endpoints are off. */
  public static final StringSetting AUTH_BROKER_HOOK_SECRET = StringSetting.named("brokerHookSecret");
  /** In the {@code rateLimit} section. */
  public static final IntSetting RATE_LIMIT_BURST = IntSetting.named("burst").byDefault(5).atLeast(1).atMost(1000);
  public static final IntSetting RATE_LIMIT_REFILL_SECONDS = IntSetting.named("refillSeconds").byDefault(60)
      .atLeast(1).atMost(86_400);

  /** The defaults {@link io.ipchls.kit.config.ConfigLoader} starts from (they also name keys for env overrides). */
  public static JsonObject defaults() {
    return new JsonObject()
        .put("http", HttpConfig.defaults(DEFAULT_HTTP_PORT))
        .put("db", DbConfig.defaults())
        .put("mqtt", MqttConfig.defaults("credential-service"))
        .put("s3", S3Config.defaults())
        .mergeIn(Setting.defaults(ADMIN_TOKEN, CREDENTIAL_LIFETIME_SECONDS))
        .put("serviceAccounts", new JsonObject())
        .mergeIn(Setting.defaults(ISSUER, MQTT_CONNECTIONS))
        .put("sts", new JsonObject())
        .put("auth", Setting.defaults(AUTH_BCRYPT_COST, AUTH_CACHE_TTL_SECONDS, AUTH_BROKER_HOOK_SECRET,
            AUTH_MAX_FAILURES_PER_CAMERA, AUTH_MAX_FAILURES_PER_ADDRESS, AUTH_FAILURE_WINDOW_SECONDS))
        .put("rateLimit", Setting.defaults(RATE_LIMIT_BURST, RATE_LIMIT_REFILL_SECONDS))
        .put("audit", Setting.defaults(AUDIT_RETENTION_DAYS, AUDIT_SWEEP_INTERVAL_SECONDS,
            AUDIT_REFUSAL_INTERVAL_SECONDS));
  }

  public static CredentialConfig fromJson(JsonObject json) {
    Settings root = Settings.root(json);
    String adminToken = ADMIN_TOKEN.readRequired(root);
    if (adminToken.length() < MIN_ADMIN_TOKEN_CHARS) {
      throw new ConfigException("adminToken", "must be at least " + MIN_ADMIN_TOKEN_CHARS + " characters");
    }
    // the embedded issuer hands out its own keys; the service's key pair is optional
    S3Config s3 = S3Config.from(root.section("s3"), /* keyPairRequired= */ false);
    Issuer issuer = Issuer.parse(ISSUER.read(root));
    return new CredentialConfig(
        HttpConfig.from(root.section("http"), DEFAULT_HTTP_PORT),
        DbConfig.from(root.section("db")),
        MqttConfig.from(root.section("mqtt")),
        s3,
        Sha256.hex(adminToken),
        CREDENTIAL_LIFETIME_SECONDS.read(root),
        serviceAccounts(json.getValue("serviceAccounts")),
        issuer,
        issuer == Issuer.STS ? StsConfig.from(root.section("sts"), s3) : null,
        authSettings(root.section("auth")),
        new RateLimit(RATE_LIMIT_BURST.read(root.section("rateLimit")),
            RATE_LIMIT_REFILL_SECONDS.read(root.section("rateLimit"))),
        new AuditSettings(AUDIT_RETENTION_DAYS.read(root.section("audit")),
            AUDIT_SWEEP_INTERVAL_SECONDS.read(root.section("audit")),
            AUDIT_REFUSAL_INTERVAL_SECONDS.read(root.section("audit"))),
        MQTT_CONNECTIONS.read(root));
  }

  private static AuthSettings authSettings(Settings auth) {
    String hookSecret = AUTH_BROKER_HOOK_SECRET.read(auth);
    if (hookSecret != null && hookSecret.length() < MIN_ADMIN_TOKEN_CHARS) {
      throw new ConfigException(auth.name("brokerHookSecret"), "must be at least " + MIN_ADMIN_TOKEN_CHARS
          + " characters");
    }
    return new AuthSettings(AUTH_BCRYPT_COST.read(auth), AUTH_CACHE_TTL_SECONDS.read(auth),
        hookSecret == null ? null : Sha256.hex(hookSecret), AUTH_MAX_FAILURES_PER_CAMERA.read(auth),
        AUTH_MAX_FAILURES_PER_ADDRESS.read(auth), AUTH_FAILURE_WINDOW_SECONDS.read(auth));
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
        + serviceAccounts.keySet() + ", issuer=" + issuer + ", sts=" + sts + ", bcryptCost=" + auth.bcryptCost()
        + ", authCacheTtlSeconds=" + auth.cacheTtlSeconds() + ", brokerHook=" + (auth.brokerHookSecretSha256() != null)
        + ", loginThrottle=" + auth.maxFailuresPerCamera() + "/" + auth.maxFailuresPerAddress() + " per "
        + auth.failureWindowSeconds() + " s, rateLimit=" + rateLimit + ", audit=" + audit + ", mqttConnections="
        + mqttConnections + "]";
  }
}
