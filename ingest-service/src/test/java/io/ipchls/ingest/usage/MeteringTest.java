package io.ipchls.ingest.usage;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.LocalStack;
import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.retention.RetentionConfig;
import io.ipchls.ingest.retention.RetentionSweepVerticle;
import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.kit.http.Metrics;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Metering is exact: a fleet of cameras announces segments over MQTT whose objects were really uploaded, and each
 * camera's stored bytes and objects from the usage API equal the sizes and count of its objects as the bucket lists
 * them (listing is the test's independent check; the product never lists), before and after retention deleted some;
 * PUTs and deletes count what happened; the month report, its CSV and the Prometheus gauges show the same figures.
 * Thumbnails count as objects and PUTs (without bytes: cameras do not announce their size) and go with their segments.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MeteringTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final long DAY_MS = 86_400_000L;
  private static final int CAMERAS = 3;
  private static final int RECENT = 5;
  private static final int OLD = 3;
  private static final LocalStack STACK = LocalStack.sharedForTests();
  private static IngestTestSupport ingest;
  private static WebClient http;

  @BeforeAll
  static void start(Vertx vertx) {
    ingest = new IngestTestSupport(vertx, new JsonObject().put("s3", IngestTestSupport.s3Json(STACK))
        .put("usage", new JsonObject().put("metricsIntervalSeconds", 1))).start();
    http = WebClient.create(vertx);
  }

  @AfterAll
  static void close() {
    http.close();
  }

  @Test
  void storedBytesAndObjects_equalTheBucketsListing_beforeAndAfterRetention(Vertx vertx) {
    Random random = new Random(19);
    Map<String, Integer> published = new LinkedHashMap<>();
    for (int c = 0; c < CAMERAS; c++) {
      String id = cameraId("meter");
      try (var camera = ingest.camera(id)) {
        // the old segments are inside the default retention (7 days) when indexed, outside the camera's own later
        for (int i = 0; i < OLD; i++) camera.publish(uploaded(id, 3 * DAY_MS + i * 3_000L, random));
        for (int i = 0; i < RECENT; i++) camera.publish(uploaded(id, 60_000L - i * 3_000L, random));
      }
      published.put(id, OLD + RECENT);
    }
    for (String id : published.keySet()) {
      ingest.awaitKeys(id, keys -> keys.size() == OLD + RECENT);
      JsonObject month = awaitUsage(id, OLD + RECENT);
      assertEquals(listed(id), stored(month), id + ": stored bytes and objects as the bucket lists them");
      assertEquals(OLD + RECENT, month.getLong("puts"), "one PUT per segment");
      assertEquals(listed(id).bytes(), month.getLong("bytesIn"), "bytes in: all that was written");
      assertEquals(0, month.getLong("deletes"));
    }

    for (String id : published.keySet()) setRetention(id, 2);
    sweep(vertx);
    for (String id : published.keySet()) {
      ingest.awaitKeys(id, keys -> keys.size() == RECENT);
      JsonObject month = awaitUsage(id, RECENT);
      assertEquals(listed(id), stored(month), id + ": after retention, stored is again what the bucket lists");
      assertEquals(OLD, month.getLong("deletes"), "one delete per expired segment");
      assertEquals(OLD + RECENT, month.getLong("puts"), "PUTs do not go back");
      assertTrue(month.getDouble("byteHours") > 0, "byte-hours accrue");
    }

    JsonObject report = get("/api/v1/usage?month=" + YearMonth.now(ZoneOffset.UTC)).bodyAsJsonObject();
    for (String id : published.keySet()) {
      JsonObject row = report.getJsonArray("cameras").stream().map(JsonObject.class::cast)
          .filter(r -> r.getString("cameraId").equals(id)).findFirst().orElseThrow();
      assertEquals(listed(id).bytes(), row.getLong("storedBytes"), "month report: " + id);
      assertEquals("CNY", row.getJsonObject("cost").getString("currency"));
      assertTrue(row.getJsonObject("cost").getDouble("steadyState") > 0, "a cost estimate beside the usage");
    }
    String csv = get("/api/v1/usage?format=csv").bodyAsString();
    String first = published.keySet().iterator().next();
    assertTrue(csv.startsWith("camera_id,stored_bytes,stored_objects,puts,"), csv);
    assertTrue(csv.contains("\n" + first + "," + listed(first).bytes() + "," + RECENT + "," + (OLD + RECENT) + ","),
        csv);
    Await.until("gauge of " + first, DEADLINE, () -> scrape(), text -> text.contains(
        "ipchls_usage_stored_bytes{camera=\"" + first + "\"} " + (double) listed(first).bytes())
        && text.contains("ipchls_usage_fleet_stored_bytes "));
  }

  @Test
  void thumbnails_countAsObjectsAndPuts_andGoWithTheirSegments(Vertx vertx) {
    String id = cameraId("meter-thumbs");
    Random random = new Random(37);
    try (var camera = ingest.camera(id)) {
      for (int i = 0; i < OLD; i++) camera.publish(withThumbnail(uploaded(id, 3 * DAY_MS + i * 3_000L, random)));
      for (int i = 0; i < RECENT; i++) camera.publish(withThumbnail(uploaded(id, 60_000L - i * 3_000L, random)));
    }
    ingest.awaitKeys(id, keys -> keys.size() == OLD + RECENT);
    JsonObject month = awaitUsage(id, 2 * (OLD + RECENT));
    assertEquals(listed(id).objects(), month.getLong("storedObjects"), "segments and thumbnails, as listed");
    assertEquals(segmentBytes(id), month.getLong("storedBytes"), "thumbnails are not announced with a size");
    assertEquals(2 * (OLD + RECENT), month.getLong("puts"));
    setRetention(id, 2);
    sweep(vertx);
    month = awaitUsage(id, 2 * RECENT);
    assertEquals(listed(id).objects(), month.getLong("storedObjects"), "expired thumbnails deleted and counted");
    assertEquals(2 * OLD, month.getLong("deletes"));
  }

  /** The notification with a thumbnail uploaded beside its segment. */
  private static SegmentNotification withThumbnail(SegmentNotification n) {
    String thumb = ObjectKeys.thumbnailKey(n.key().substring(0, n.key().indexOf('/')), Instant.ofEpochMilli(n.start()),
        n.seq());
    ingest.putObject(thumb, new byte[700]);
    return new SegmentNotification(n.v(), n.key(), n.start(), n.durationMs(), n.bytes(), n.sha256(), n.seq(),
        n.codec(), n.width(), n.height(), n.deviceTime(), n.clockJump(), n.discontinuity(), n.container(), n.init(),
        n.frameRate(), n.targetSeconds(), /* keyFrame= */ null, thumb);
  }

  /** The bytes of the camera's segment objects (not its thumbnails) as the bucket lists them. */
  private static long segmentBytes(String cameraId) {
    try (S3Client s3 = IngestTestSupport.s3Client(STACK)) {
      long[] sum = {0};
      s3.listObjectsV2Paginator(r -> r.bucket(STACK.s3().bucket()).prefix(cameraId + "/")).contents().forEach(o -> {
        if (!o.key().endsWith(".jpg")) sum[0] += o.size();
      });
      return sum[0];
    }
  }

  /** Bytes and objects. */
  private record Stored(long bytes, long objects) {}

  private static Stored stored(JsonObject usage) {
    return new Stored(usage.getLong("storedBytes"), usage.getLong("storedObjects"));
  }

  /** What the bucket holds under the camera's prefix (its storage prefix is its id here). */
  private static Stored listed(String cameraId) {
    try (S3Client s3 = IngestTestSupport.s3Client(STACK)) {
      List<S3Object> objects = new ArrayList<>();
      s3.listObjectsV2Paginator(r -> r.bucket(STACK.s3().bucket()).prefix(cameraId + "/")).contents()
          .forEach(objects::add);
      return new Stored(objects.stream().mapToLong(S3Object::size).sum(), objects.size());
    }
  }

  /** A segment of {@code ageMs} ago whose object (of a random size) is uploaded first, as a camera does. */
  private static SegmentNotification uploaded(String cameraId, long ageMs, Random random) {
    long start = System.currentTimeMillis() - ageMs;
    long seq = ageMs;
    String key = ObjectKeys.segmentKey(cameraId, Instant.ofEpochMilli(start), seq);
    byte[] bytes = new byte[1_000 + random.nextInt(5_000)];
    random.nextBytes(bytes);
    ingest.putObject(key, bytes);
    return new SegmentNotification(SegmentNotification.VERSION, key, start, /* durationMs= */ 3_000, bytes.length,
        null, seq, "h264", /* width= */ 640, /* height= */ 360, System.currentTimeMillis(), null, null);
  }

  /** The camera's month as the usage API reports it, once its objects count is {@code objects}. */
  private static JsonObject awaitUsage(String cameraId, long objects) {
    return Await.until("usage of " + cameraId, DEADLINE,
        () -> get("/api/v1/cameras/" + cameraId + "/usage").bodyAsJsonObject(),
        u -> u.getLong("storedObjects") == objects).getJsonObject("month");
  }

  private static HttpResponse<Buffer> get(String path) {
    HttpResponse<Buffer> r = await(http.get(ingest.httpPort, "127.0.0.1", path)
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN).send());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r;
  }

  private static String scrape() {
    return await(http.get(ingest.httpPort, "127.0.0.1", "/metrics")
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN).send()).bodyAsString();
  }

  private static void setRetention(String camera, int days) {
    await(ingest.pool.preparedQuery("INSERT INTO ingest.camera_settings (camera_id, retention_days) VALUES ($1, $2)")
        .execute(Tuple.of(camera, days)));
  }

  private static void sweep(Vertx vertx) {
    var sweeper = new RetentionSweepVerticle(new RetentionConfig(ingest.config.s3(), /* defaultRetentionDays= */ 7,
        /* sweepIntervalSeconds= */ 3600), new IngestPools(ingest.config.db()),
        new IngestMetrics(new Metrics().registry()));
    String id = await(vertx.deployVerticle(sweeper));
    try {
      Await.until("a sweep", DEADLINE, () -> await(sweeper.sweep()), s -> !s.skipped());
    } finally {
      await(vertx.undeploy(id));
    }
  }
}
