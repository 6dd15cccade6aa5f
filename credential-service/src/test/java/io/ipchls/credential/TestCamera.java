package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;

import io.ipchls.infra.MqttSubscriptions;
import io.ipchls.protocol.CredentialResponse;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A camera as the device SDK behaves on the wire: connects to the real broker with its id and secret, subscribes to
 * its own credential responses, asks for credentials and uploads with them through the AWS SDK.
 */
final class TestCamera implements AutoCloseable {
  final String id;
  final MqttClient mqtt;
  /** Everything received on any subscribed topic, as {@code topic payload}. */
  final BlockingQueue<String[]> received = new LinkedBlockingQueue<>();

  private TestCamera(String id, MqttClient mqtt) {
    this.id = id;
    this.mqtt = mqtt;
  }

  /** A connected camera subscribed to its own credential responses. */
  static TestCamera connect(TestService svc, String id, String secret) {
    TestCamera cam = new TestCamera(id, client(svc, id, secret));
    cam.mqtt.publishHandler(m -> cam.received.add(new String[] {m.topicName(), m.payload().toString()}));
    await(cam.mqtt.connect(svc.stack.broker().port(), svc.stack.broker().host()));
    List<Integer> granted = cam.subscribe(Topics.credentialsResponse(id));
    if (!granted.equals(List.of(1))) throw new AssertionError("own response topic refused: " + granted);
    return cam;
  }

  static MqttClient client(TestService svc, String id, String secret) {
    return MqttClient.create(svc.vertx, new MqttClientOptions().setClientId(id).setUsername(id).setPassword(secret)
        .setCleanSession(true).setMaxInflightQueue(100));
  }

  /** The SUBACK return codes (0x80 = refused). */
  List<Integer> subscribe(String filter) {
    return await(MqttSubscriptions.subscribe(mqtt, filter, 1));
  }

  void publish(String topic, String payload) {
    await(mqtt.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false));
  }

  /** Publishes a credential request on its own topic and waits for the response with the same request id. */
  CredentialResponse requestCredentials(String requestId) {
    publish(Topics.credentialsRequest(id), "{\"v\":1,\"requestId\":\"" + requestId + "\"}");
    return nextResponse(requestId);
  }

  /** The next credential response with this request id (null: one without a request id), within the deadline. */
  CredentialResponse nextResponse(String requestId) {
    long deadline = System.nanoTime() + TestService.WAIT.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        String[] m = received.poll(100, TimeUnit.MILLISECONDS);
        if (m == null || !m[0].equals(Topics.credentialsResponse(id))) continue;
        CredentialResponse r = Json.decode(m[1].getBytes(), CredentialResponse.class);
        if (Objects.equals(r.requestId(), requestId)) return r;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("camera " + id + ": no credential response for request " + requestId);
  }

  /** The next {@code n} credential responses by request id, in whatever order they arrive. */
  java.util.Map<String, CredentialResponse> collectResponses(int n) {
    java.util.Map<String, CredentialResponse> out = new java.util.HashMap<>();
    long deadline = System.nanoTime() + TestService.WAIT.toNanos();
    try {
      while (out.size() < n && System.nanoTime() < deadline) {
        String[] m = received.poll(100, TimeUnit.MILLISECONDS);
        if (m == null || !m[0].equals(Topics.credentialsResponse(id))) continue;
        CredentialResponse r = Json.decode(m[1].getBytes(), CredentialResponse.class);
        out.put(r.requestId(), r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (out.size() < n) throw new AssertionError("camera " + id + ": " + out.size() + " of " + n + " responses");
    return out;
  }

  @Override
  public void close() {
    if (mqtt.isConnected()) await(mqtt.disconnect());
  }

  /** An S3 client signing with issued credentials, as the device SDK builds it from a credential response. */
  static S3Client s3(CredentialResponse r) {
    return S3Client.builder()
        .endpointOverride(URI.create(r.endpoint()))
        .region(Region.of(r.region()))
        .forcePathStyle(Boolean.TRUE.equals(r.pathStyle()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsSessionCredentials.create(r.accessKeyId(), r.secretAccessKey(), r.sessionToken())))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /** PUTs a small segment under {@code key} with the issued credentials. */
  static void put(CredentialResponse r, String bucket, String key) {
    try (S3Client s3 = s3(r)) {
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("segment of " + key));
    }
  }

  /** A segment key under {@code prefix} as the camera SDK names it. */
  static String segmentKey(String prefix) {
    return ObjectKeys.segmentKey(prefix, Instant.now(), 0);
  }
}
