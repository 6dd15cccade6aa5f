package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ipchls.credential.broker.BrokerAuthClient;
import io.ipchls.credential.issuer.EmbeddedKeys;
import io.ipchls.credential.issuer.GrantMap;
import io.ipchls.infra.AuthDecision;
import io.ipchls.infra.BrokerAuth;
import io.ipchls.kit.cluster.Cluster;
import io.ipchls.kit.cluster.ClusterConfig;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.cluster.Clustering;
import io.ipchls.protocol.BrokerLoginDecision;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.CredentialResponse;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15 item 1: what crosses the cluster and rests in its maps. Three Hazelcast members in this JVM: one runs
 * credential-service, one fronts the embedded broker and S3 server the way the launcher does (so every login check
 * and key lookup crosses the clustered event bus or a distributed map), and an outsider that joins with the cluster's
 * name but not its secret. Every event-bus message both members send or receive and every entry of every map is
 * recorded while cameras log in, get storage keys and upload; none may hold a camera secret or a storage secret key,
 * and the outsider learns nothing and cannot answer a login check.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterSecrecyTest {
  private static final String SECRET = Base64.getEncoder().encodeToString(
      "cluster-secrecy-test-secret-0123456789".getBytes(StandardCharsets.US_ASCII));
  private static final String OTHER_SECRET = Base64.getEncoder().encodeToString(
      "an-outsider-guessing-the-secret-987654".getBytes(StandardCharsets.US_ASCII));

  private static Vertx service;
  private static Vertx front;
  private static Vertx outsider;
  private static TestService svc;
  private static final ConcurrentLinkedQueue<String> traffic = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void startCluster() throws Exception {
    String name = "secrecy-" + UUID.randomUUID().toString().substring(0, 8);
    int p1 = freePort();
    int p2 = freePort();
    List<String> members = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);
    service = await(Clustering.start(new ClusterConfig(name, "127.0.0.1", p1, members, SECRET)));
    front = await(Clustering.start(new ClusterConfig(name, "127.0.0.1", p2, members, SECRET)));
    for (Vertx v : List.of(service, front)) {
      v.eventBus().addOutboundInterceptor(ctx -> {
        traffic.add(ctx.message().address() + " " + ctx.message().body());
        ctx.next();
      });
      v.eventBus().addInboundInterceptor(ctx -> {
        traffic.add(ctx.message().address() + " " + ctx.message().body());
        ctx.next();
      });
    }
    svc = TestService.deploy(service);
    svc.stack.useBrokerAuth(BrokerAuth.withSource((clientId, username, password, source) ->
        BrokerAuthClient.authenticate(front, clientId, username, password, source).map(AuthDecision::of)
            .toCompletionStage()));
    svc.stack.useKeyLookup(accessKeyId -> EmbeddedKeys.find(front, accessKeyId));
  }

  @AfterAll
  static void stop() {
    if (svc != null) {
      svc.stack.useBrokerAuth(null);
      svc.stack.useKeyLookup(null);
    }
    for (Vertx v : new Vertx[] {outsider, front, service}) {
      if (v != null) await(v.close());
    }
  }

  @Test
  void loginsAndKeyIssuance_leaveNoSecretOnTheBusOrInAnyMap() {
    List<String> secrets = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = TestService.newCameraId("sealed");
      String cameraSecret = svc.register(id).getString("secret");
      secrets.add(cameraSecret);
      try (TestCamera cam = TestCamera.connect(svc, id, cameraSecret)) {
        CredentialResponse creds = cam.requestCredentials("s-" + i);
        assertNull(creds.error(), creds.error());
        secrets.add(creds.secretAccessKey());
        TestCamera.put(creds, svc.stack.s3().bucket(), TestCamera.segmentKey(id)); // the S3 server looks the key up
      }
    }
    assertFalse(traffic.isEmpty(), "the recorder saw the login checks");
    assertTrue(traffic.stream().anyMatch(t -> t.startsWith(ClusterNames.BROKER_AUTHENTICATE)),
        "login checks crossed the event bus");
    List<String> dump = new ArrayList<>(traffic);
    dump.addAll(mapDump(hazelcast(service)));
    assertTrue(dump.stream().anyMatch(e -> e.startsWith(ClusterNames.S3_KEYS + " ")), "the key map was dumped");
    for (String secret : secrets) {
      for (String entry : dump) {
        assertFalse(entry.contains(secret), "a secret in clear: " + entry.substring(0, Math.min(80, entry.length())));
      }
    }
  }

  /**
   * A member with the cluster's name but not its secret joins Hazelcast (the open-source edition cannot stop it) but
   * reads only sealed values, and the event bus neither brings it login checks nor carries its requests.
   */
  @Test
  void outsiderWithoutTheSecret_learnsNothing_andCannotAnswerALoginCheck() throws Exception {
    String id = TestService.newCameraId("victim");
    String cameraSecret = svc.register(id).getString("secret");
    CredentialResponse creds;
    try (TestCamera cam = TestCamera.connect(svc, id, cameraSecret)) {
      creds = cam.requestCredentials("v-1");
      assertNull(creds.error(), creds.error());
    }
    String name = hazelcast(service).getConfig().getClusterName();
    int port = hazelcast(service).getCluster().getLocalMember().getAddress().getPort();
    outsider = await(Clustering.start(new ClusterConfig(name, "127.0.0.1", freePort(),
        List.of("127.0.0.1:" + port), OTHER_SECRET)));
    try {
      assertEquals(3, hazelcast(outsider).getCluster().getMembers().size(), "the open-source edition lets it join");

      // what it can read: the grant is there, sealed, and does not open with its secret
      String stored = await(outsider.sharedData().<String, String>getAsyncMap(ClusterNames.S3_KEYS)
          .compose(m -> m.get(creds.accessKeyId())));
      assertNotNull(stored, "the outsider reaches the map");
      assertFalse(stored.contains(creds.secretAccessKey()));
      assertTrue(await(new GrantMap(outsider).get(creds.accessKeyId())).isEmpty(), "a grant it cannot open");

      // what it can answer: it claims login checks and accepts every one; the members' event bus refuses to talk to
      // it (mutual TLS with a key derived from the secret), and were a check to reach it, its answer would not open
      ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
      var claim = outsider.eventBus().<JsonObject>consumer(ClusterNames.BROKER_AUTHENTICATE, m -> {
        seen.add(String.valueOf(m.body()));
        m.reply(ClusterMessages.toJson(BrokerLoginDecision.camera(id)));
      });
      await(claim.completion());
      String wrong = "wrong-secret-" + UUID.randomUUID();
      for (int attempt = 1; attempt <= 6; attempt++) {
        MqttClient c = TestCamera.client(svc, id, wrong);
        Throwable refused = await(c.connect(svc.stack.broker().port(), svc.stack.broker().host())
            .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
        assertNotNull(refused, "attempt " + attempt + ": a wrong password was let in");
      }
      assertEquals(List.of(), List.copyOf(seen), "a login check reached the outsider");

      // what it can ask: nothing reaches credential-service from it
      await(claim.unregister());
      Throwable asked = await(outsider.eventBus().request(ClusterNames.BROKER_AUTHENTICATE,
              BrokerAuthClient.sealedRequest(outsider, id, id, cameraSecret, null),
              new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(3000))
          .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
      assertNotNull(asked, "the outsider got an answer from the cluster");
    } finally {
      await(outsider.close()); // the other test logs in through the two real members only
      outsider = null;
    }
  }

  /** Every entry of every Hazelcast map, as {@code map key value} text (byte arrays read as Latin-1). */
  private static List<String> mapDump(HazelcastInstance hz) {
    List<String> out = new ArrayList<>();
    for (DistributedObject o : hz.getDistributedObjects()) {
      if (o instanceof IMap<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.add(map.getName() + " " + text(e.getKey()) + " " + text(e.getValue()));
        }
      }
    }
    return out;
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(o);
  }

  private static HazelcastInstance hazelcast(Vertx v) {
    return Cluster.hazelcast(v).orElseThrow();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
