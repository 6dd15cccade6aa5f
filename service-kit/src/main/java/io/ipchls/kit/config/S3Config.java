package io.ipchls.kit.config;

import io.ipchls.kit.tls.PemTrust;
import io.ipchls.protocol.StorageDefaults;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * The object store: endpoint (empty for AWS's regional endpoint), region, bucket, path-style addressing, and the
 * service's own key pair (never printed). {@code publicEndpoint} is the endpoint written into URLs given to cameras and
 * viewers when they reach the store under another name than the services do. An {@code https} endpoint's certificate
 * and host name are verified, against the CA certificates in {@code caFile} (PEM) when set, else against the JVM's
 * default trust store.
 */
public record S3Config(
    String endpoint, String publicEndpoint, String region, String bucket, boolean pathStyle, String accessKeyId,
    String secretAccessKey, String caFile) {
  public S3Config {
    if (bucket == null || bucket.isBlank()) throw new ConfigException("s3.bucket", "is required");
    if (region == null || region.isBlank()) throw new ConfigException("s3.region", "is required");
    checkUri("s3.endpoint", endpoint);
    checkUri("s3.publicEndpoint", publicEndpoint);
    if (caFile == null) caFile = "";
    PemTrust.requireReadable("s3.caFile", caFile);
  }

  /** Without a CA file of its own: the JVM's default trust store. */
  public S3Config(String endpoint, String publicEndpoint, String region, String bucket, boolean pathStyle,
      String accessKeyId, String secretAccessKey) {
    this(endpoint, publicEndpoint, region, bucket, pathStyle, accessKeyId, secretAccessKey, "");
  }

  private static void checkUri(String setting, String uri) {
    if (uri == null || uri.isBlank()) return;
    try {
      URI u = URI.create(uri);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new ConfigException(setting, "must be an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting, "not a URL: " + e.getMessage());
    }
  }

  /** Empty: AWS's regional endpoint. */
  public static final StringSetting ENDPOINT = StringSetting.named("endpoint").byDefault("");
  /** Empty: the same as {@code endpoint}. */
  public static final StringSetting PUBLIC_ENDPOINT = StringSetting.named("publicEndpoint").byDefault("");
  public static final StringSetting REGION = StringSetting.named("region").byDefault(StorageDefaults.REGION);
  public static final StringSetting BUCKET = StringSetting.named("bucket").byDefault(StorageDefaults.BUCKET);
  public static final BoolSetting PATH_STYLE = BoolSetting.named("pathStyle").byDefault(true);
  public static final StringSetting ACCESS_KEY_ID = StringSetting.named("accessKeyId").byDefault("");
  public static final StringSetting SECRET_ACCESS_KEY = StringSetting.named("secretAccessKey").byDefault("");
  /** PEM file of the CA certificates an https endpoint's certificate must chain to; empty: the JVM's trust store. */
  public static final StringSetting CA_FILE = StringSetting.named("caFile").byDefault("");

  public static S3Config from(Settings s) {
    return from(s, true);
  }

  /** {@code keyPairRequired=false} for a service that never signs with its own key (it may then be empty). */
  public static S3Config from(Settings s, boolean keyPairRequired) {
    return new S3Config(ENDPOINT.read(s), PUBLIC_ENDPOINT.read(s), REGION.read(s), BUCKET.read(s), PATH_STYLE.read(s),
        keyPairRequired ? ACCESS_KEY_ID.readRequired(s) : ACCESS_KEY_ID.read(s),
        keyPairRequired ? SECRET_ACCESS_KEY.readRequired(s) : SECRET_ACCESS_KEY.read(s), CA_FILE.read(s));
  }

  /** The {@code s3} section's defaults. */
  public static JsonObject defaults() {
    return Setting.defaults(ENDPOINT, PUBLIC_ENDPOINT, REGION, BUCKET, PATH_STYLE, ACCESS_KEY_ID, SECRET_ACCESS_KEY,
        CA_FILE);
  }

  /** The endpoint for viewers and cameras, or null for AWS's own. */
  public URI publicEndpointUri() {
    String e = publicEndpoint == null || publicEndpoint.isBlank() ? endpoint : publicEndpoint;
    return e == null || e.isBlank() ? null : URI.create(e);
  }

  public URI endpointUri() {
    return endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint);
  }

  public JsonObject toJson() {
    return new JsonObject().put("endpoint", endpoint).put("publicEndpoint", publicEndpoint).put("region", region)
        .put("bucket", bucket).put("pathStyle", pathStyle).put("accessKeyId", accessKeyId)
        .put("secretAccessKey", secretAccessKey).put("caFile", caFile);
  }

  /** The trust managers for the store's https endpoint: those of {@code caFile}, or null for the JVM's default. */
  public javax.net.ssl.TrustManager[] trustManagers() {
    return caFile.isBlank() ? null : PemTrust.trustManagers("s3.caFile", java.nio.file.Path.of(caFile));
  }

  @Override
  public String toString() {
    return "S3Config[" + (endpoint.isBlank() ? "aws" : endpoint) + ", region=" + region + ", bucket=" + bucket + "]";
  }
}
