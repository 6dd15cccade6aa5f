package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.IngestTestSupport.Camera;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of random and mutated notifications (random bytes, truncated JSON, swapped types, huge strings, odd
 * unicode, boundary numbers, flipped bytes, other JSON shapes) on many camera topics, then good ones: every fuzzed
 * message is answered (refused, or indexed if it happened to be valid), every good one is indexed, and ingest stays
 * healthy. The seed is printed and named in any failure; rerun one with {@code -Dfuzz.seed=<seed>}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class NotificationFuzzTest {
  private static final int CAMERAS = 20;
  private static final int PER_CAMERA = 250;
  private static final Duration SETTLE = Duration.ofMinutes(3);
  private static IngestTestSupport ingest;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start();
  }

  @Test
  void fuzzedNotifications_neverStopIngest() {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("NotificationFuzzTest seed " + seed);
    try {
      fuzzThenIndex(new Random(seed));
    } catch (AssertionError e) {
      throw new AssertionError("fuzz seed " + seed + " (rerun with -Dfuzz.seed=" + seed + "): " + e.getMessage(), e);
    }
  }

  private void fuzzThenIndex(Random rnd) {
    List<Camera> cams = new ArrayList<>();
    for (int i = 0; i < CAMERAS; i++) cams.add(ingest.camera(cameraId("fuzz" + i)));
    double answeredBefore = answered();
    List<Future<Integer>> sent = new ArrayList<>();
    for (int k = 0; k < PER_CAMERA; k++) {
      for (Camera c : cams) {
        byte[] payload = NotificationMutator.fuzz(rnd, c.id);
        sent.add(c.client.publish(Topics.segments(c.id), Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false,
            false));
      }
      if (k % 25 == 24) await(Future.all(sent)); // stay inside each client's in-flight window
    }
    await(Future.all(sent));
    int fuzzed = CAMERAS * PER_CAMERA;
    Await.until("every fuzzed notification refused or indexed", SETTLE, () -> answered() - answeredBefore,
        n -> n >= fuzzed);
    List<SegmentNotification> good = new ArrayList<>();
    for (Camera c : cams) {
      SegmentNotification n = segment(c.id, 0);
      good.add(n);
      c.publish(n);
    }
    for (SegmentNotification n : good) {
      String id = n.key().substring(0, n.key().indexOf('/'));
      assertTrue(ingest.awaitKeys(id, k -> k.contains(n.key())).contains(n.key()), "good segment of " + id);
    }
    assertHealthy();
    cams.forEach(Camera::close);
  }

  /** Notifications ingest is done with: refused (any reason), newly indexed, or found already indexed. */
  private double answered() {
    String body = await(WebClient.create(ingest.vertx).get(ingest.httpPort, "127.0.0.1", "/metrics")
            .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN).send())
        .bodyAsString();
    double sum = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith("segments_rejected_total{") || line.startsWith("segments_indexed_total ")
          || line.startsWith("segments_duplicate_total ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private void assertHealthy() {
    var resp = await(WebClient.create(ingest.vertx).get(ingest.httpPort, "127.0.0.1", "/health").send());
    assertEquals(200, resp.statusCode(), resp.bodyAsString());
    assertEquals("UP", resp.bodyAsJsonObject().getJsonObject("checks").getString("db"));
    assertEquals("UP", resp.bodyAsJsonObject().getJsonObject("checks").getString("mqtt"));
    assertEquals(0, ingest.metric("ingest_db_retrying"), "no write is stuck retrying");
  }
}
