package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;

import io.ipchls.infra.MqttSubscriptions;
import io.ipchls.protocol.CredentialResponse;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT client that plays every camera: a service account on the shared test broker (which lets everyone in as a
 * service unless a test wires it to credential-service), so tests of the credential flow need no camera logins.
 */
final class AnyCameraClient implements AutoCloseable {
  private final MqttClient mqtt;
  private final BlockingQueue<CredentialResponse> responses = new LinkedBlockingQueue<>();

  AnyCameraClient(TestService svc, String clientId) {
    mqtt = MqttClient.create(svc.vertx, new MqttClientOptions().setClientId(clientId)
        .setUsername("test").setPassword("test").setCleanSession(true)
        .setMaxInflightQueue(200)); // a wave of requests published at once
    mqtt.publishHandler(m -> responses.add(Json.decode(m.payload().getBytes(), CredentialResponse.class)));
    await(mqtt.connect(svc.stack.broker().port(), svc.stack.broker().host()));
    await(MqttSubscriptions.subscribeGranted(mqtt, "cameras/+/credentials/response", 1));
  }

  CredentialResponse request(String cameraId, String payload, String requestId) {
    publish(cameraId, payload);
    return next(requestId);
  }

  CredentialResponse request(String cameraId, String requestId) {
    return request(cameraId, "{\"v\":1,\"requestId\":\"" + requestId + "\"}", requestId);
  }

  void publish(String cameraId, String payload) {
    publish(cameraId, payload, MqttQoS.AT_LEAST_ONCE);
  }

  void publish(String cameraId, String payload, MqttQoS qos) {
    await(mqtt.publish(Topics.credentialsRequest(cameraId), Buffer.buffer(payload), qos, false, false));
  }

  /** The next response with this request id (null: the next one without a request id), within the deadline. */
  CredentialResponse next(String requestId) {
    long deadline = System.nanoTime() + TestService.WAIT.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        CredentialResponse r = responses.poll(100, TimeUnit.MILLISECONDS);
        if (r != null && Objects.equals(r.requestId(), requestId)) return r;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("no credential response for request " + requestId);
  }

  /** The next {@code n} responses by request id, within the deadline. */
  Map<String, CredentialResponse> collect(int n) {
    Map<String, CredentialResponse> out = new HashMap<>();
    long deadline = System.nanoTime() + TestService.WAIT.toNanos();
    try {
      while (out.size() < n && System.nanoTime() < deadline) {
        CredentialResponse r = responses.poll(100, TimeUnit.MILLISECONDS);
        if (r != null) out.put(r.requestId(), r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (out.size() < n) throw new AssertionError("only " + out.size() + " of " + n + " credential responses");
    return out;
  }

  @Override
  public void close() {
    await(mqtt.disconnect());
  }
}
