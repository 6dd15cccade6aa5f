package io.ipchls.playlist.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.config.S3Config;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/** Our presigned URLs carry exactly the signature the AWS SDK's own SigV4 signer computes for the same request. */
class QueryPresignerTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:15:30Z");
  private static final Duration LIFETIME = Duration.ofSeconds(4200);
  private static final AwsBasicCredentials CREDS = AwsBasicCredentials.create("AKIDEXAMPLE123", "s3cr3t/Key+0123456789");

  private static S3Config cfg(String endpoint, boolean pathStyle) {
    return new S3Config(endpoint, endpoint, "eu-central-1", "video-bucket", pathStyle, CREDS.accessKeyId(),
        CREDS.secretAccessKey());
  }

  @Test
  void pathStyle_matchesTheSdkSigner() {
    check(cfg("http://127.0.0.1:9000", true), "cam-1/2026/11/21/10/15/30.123-7.ts",
        "http://127.0.0.1:9000/video-bucket/cam-1/2026/11/21/10/15/30.123-7.ts");
  }

  @Test
  void virtualHostStyle_matchesTheSdkSigner() {
    check(cfg("https://s3.example.com", false), "cam-1/2026/11/21/10/15/30.123-7.ts",
        "https://video-bucket.s3.example.com/cam-1/2026/11/21/10/15/30.123-7.ts");
  }

  @Test
  void awsDefaultEndpoint_isTheRegionalOne() {
    String url = new QueryPresigner(cfg("", false), null).batch(NOW, LIFETIME).url("a/b.ts");
    assertTrue(url.startsWith("https://video-bucket.s3.eu-central-1.amazonaws.com/a/b.ts?"), url);
  }

  @Test
  void keysWithReservedAndNonAsciiCharacters_areEncodedAsSigV4Wants() {
    check(cfg("http://127.0.0.1:9000", true), "site a/cam+1/é~x(1).ts",
        "http://127.0.0.1:9000/video-bucket/site%20a/cam%2B1/%C3%A9~x%281%29.ts");
  }

  @Test
  void lifetimeOver7Days_isRefused() {
    var p = new QueryPresigner(cfg("http://127.0.0.1:9000", true), URI.create("http://127.0.0.1:9000"));
    assertThrows(IllegalArgumentException.class, () -> p.batch(NOW, Duration.ofDays(8)));
  }

  private static void check(S3Config cfg, String key, String sdkUri) {
    URI endpoint = cfg.endpointUri();
    String ours = new QueryPresigner(cfg, endpoint).batch(NOW, LIFETIME).url(key);
    SdkHttpRequest req = SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(URI.create(sdkUri)).build();
    var signed = AwsV4HttpSigner.create().sign(r -> r.identity(CREDS).request(req)
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
        .putProperty(AwsV4HttpSigner.REGION_NAME, cfg.region())
        .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
        .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, LIFETIME)
        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(NOW, ZoneOffset.UTC)));
    URI sdk = signed.request().getUri();
    URI our = URI.create(ours);
    assertEquals(sdk.getScheme() + "://" + sdk.getRawAuthority() + sdk.getRawPath(),
        our.getScheme() + "://" + our.getRawAuthority() + our.getRawPath());
    assertEquals(query(sdk.getRawQuery()), query(our.getRawQuery()));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new TreeMap<>();
    for (String p : raw.split("&")) {
      int eq = p.indexOf('=');
      out.put(p.substring(0, eq), p.substring(eq + 1));
    }
    return out;
  }
}
