package io.ipchls.credential.issuer;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.CredentialConfig.StsConfig;
import io.ipchls.credential.db.Device;
import io.ipchls.kit.config.S3Config;
import io.ipchls.protocol.CredentialResponse;
import io.ipchls.protocol.StorageTier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Storage credentials from AWS STS or MinIO's STS: {@code AssumeRole} of the configured role with a session policy
 * that allows only {@code s3:PutObject} (with the plan tags' {@code s3:PutObjectTagging}) on
 * {@code arn:aws:s3:::<bucket>/<prefix>/*}. The effective permissions are
 * the intersection of the role's policy and the session policy, so a camera can never get more than its prefix even if
 * the role is broader.
 *
 * <p>STS sessions cannot be revoked one by one: {@link #revokeAll} does nothing, and a disabled camera keeps its last
 * session until it expires (at most the configured lifetime). To cut them at once, revoke the role's active sessions in
 * IAM (a deny on {@code aws:TokenIssueTime}). The SDK client is blocking (the JDK url-connection HTTP client keeps the
 * SDK's Netty off the classpath), so calls run on worker threads.
 */
public final class StsIssuer implements CredentialIssuer {
  /** STS's limit for RoleSessionName. */
  static final int MAX_SESSION_NAME = 64;
  static final String SESSION_NAME_PREFIX = "ipchls-";

  private final Vertx vertx;
  private final S3Config s3;
  private final StsConfig sts;
  private final String endpoint;
  private final int lifetimeSeconds;
  private final StsClient client;

  public StsIssuer(Vertx vertx, CredentialConfig config) {
    this.vertx = vertx;
    this.s3 = config.s3();
    this.sts = config.sts();
    this.endpoint = config.cameraEndpoint();
    this.lifetimeSeconds = config.credentialLifetimeSeconds();
    StsClientBuilder builder = StsClient.builder()
        .region(Region.of(sts.region()))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(sts.accessKeyId(), sts.secretAccessKey())));
    if (!sts.endpoint().isBlank()) builder.endpointOverride(URI.create(sts.endpoint()));
    this.client = builder.build();
  }

  @Override
  public Future<CredentialResponse> issue(Device camera, String requestId) {
    String prefix = camera.prefix();
    if (prefix.contains("*") || prefix.contains("?") || prefix.contains("$")) {
      // IAM reads these as wildcards or variables: the policy would reach beyond the prefix.
      return Future.failedFuture(new IllegalArgumentException("prefix of " + camera.id()
          + " contains a character IAM policies treat as a wildcard or variable"));
    }
    AssumeRoleRequest request = AssumeRoleRequest.builder()
        .roleArn(sts.roleArn())
        .roleSessionName(sessionName(camera.id()))
        .durationSeconds(lifetimeSeconds)
        .policy(sessionPolicy(s3.bucket(), prefix))
        .build();
    return vertx.executeBlocking(() -> client.assumeRole(request).credentials(), false)
        .map(c -> response(c, camera, requestId));
  }

  private CredentialResponse response(Credentials c, Device camera, String requestId) {
    return new CredentialResponse(1, requestId, c.accessKeyId(), c.secretAccessKey(), c.sessionToken(),
        c.expiration().toEpochMilli(), endpoint, s3.region(), s3.bucket(), camera.prefix(), s3.pathStyle(), null);
  }

  /** Nothing to do: see the class comment. */
  @Override
  public Future<Void> revokeAll(String cameraId) {
    return Future.succeededFuture();
  }

  @Override
  public void close() {
    client.close();
  }

  /**
   * The session policy: PutObject under {@code bucket/prefix/} and nothing else, in a storage class of a plan
   * ({@link StorageTier}) and with no tags but the plan's. PutObjectTagging is granted because S3 requires it for a
   * PutObject that carries {@code x-amz-tagging}; the same conditions bind it, so a camera can set only
   * {@code ipchls-plan} and {@code ipchls-kind}, to known values, on its own objects.
   */
  static String sessionPolicy(String bucket, String prefix) {
    JsonArray plans = new JsonArray();
    JsonArray classes = new JsonArray();
    for (StorageTier t : StorageTier.values()) {
      plans.add(t.wireName());
      classes.add(t.storageClass());
    }
    JsonObject condition = new JsonObject()
        .put("StringEqualsIfExists", new JsonObject()
            .put("s3:x-amz-storage-class", classes)
            .put("s3:RequestObjectTag/" + StorageTier.PLAN_TAG, plans)
            .put("s3:RequestObjectTag/" + StorageTier.KIND_TAG, new JsonArray().add(StorageTier.KIND_SEGMENT)
                .add(StorageTier.KIND_INIT).add(StorageTier.KIND_THUMB)))
        .put("ForAllValues:StringEquals", new JsonObject()
            .put("s3:RequestObjectTagKeys", new JsonArray().add(StorageTier.PLAN_TAG).add(StorageTier.KIND_TAG)));
    return new JsonObject()
        .put("Version", "2012-10-17")
        .put("Statement", new JsonArray().add(new JsonObject()
            .put("Effect", "Allow")
            .put("Action", new JsonArray().add("s3:PutObject").add("s3:PutObjectTagging"))
            .put("Resource", "arn:aws:s3:::" + bucket + "/" + prefix + "/*")
            .put("Condition", condition)))
        .encode();
  }

  /** {@code ipchls-<camera id>}, cut to STS's 64 characters; camera ids only use characters STS allows. */
  static String sessionName(String cameraId) {
    String name = SESSION_NAME_PREFIX + cameraId;
    return name.length() <= MAX_SESSION_NAME ? name : name.substring(0, MAX_SESSION_NAME);
  }
}
