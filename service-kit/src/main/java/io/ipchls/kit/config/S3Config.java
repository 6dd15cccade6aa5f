package io.ipchls.kit.config;

import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * The object store: endpoint (empty for AWS's regional endpoint), region, bucket, path-style addressing, and the
 * service's own key pair (never printed). {@code publicEndpoint} is the endpoint written into URLs given to cameras and
 * viewers when they reach the store under another name than the services do.
 */
public record S3Config(
    String endpoint, String publicEndpoint, String region, String bucket, boolean pathStyle, String accessKeyId,
    String secretAccessKey) {
  public S3Config {
    if (bucket == null || bucket.isBlank()) throw new ConfigException("s3.bucket", "is required");
    if (region == null || region.isBlank()) throw new ConfigException("s3.region", "is required");
    checkUri("s3.endpoint", endpoint);
    checkUri("s3.publicEndpoint", publicEndpoint);
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

  public static S3Config from(Settings s) {
    return from(s, true);
  }

  /** {@code keyPairRequired=false} for a service that never signs with its own key (it may then be empty). */
  public static S3Config from(Settings s, boolean keyPairRequired) {
    return new S3Config(
        s.string("endpoint", ""),
        s.string("publicEndpoint", ""),
        s.string("region", "us-east-1"),
        s.string("bucket", "ipchls"),
        s.bool("pathStyle", true),
        keyPairRequired ? s.requiredString("accessKeyId") : s.string("accessKeyId", ""),
        keyPairRequired ? s.requiredString("secretAccessKey") : s.string("secretAccessKey", ""));
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
        .put("secretAccessKey", secretAccessKey);
  }

  @Override
  public String toString() {
    return "S3Config[" + (endpoint.isBlank() ? "aws" : endpoint) + ", region=" + region + ", bucket=" + bucket + "]";
  }
}
