package io.ipchls.ingest.usage;

import static io.ipchls.ingest.IngestTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The usage and quota APIs' answers to bad input, one test per case: a 400 with the code naming it, before any I/O. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UsageApiTest {
  private static IngestTestSupport ingest;
  private static WebClient http;

  @BeforeAll
  static void start(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start();
    http = WebClient.create(vertx);
  }

  @AfterAll
  static void close() {
    http.close();
  }

  @Test
  void month_notYearMonth_is400() {
    assertBadRequest("/api/v1/usage?month=2026-13", "bad_month");
  }

  @Test
  void month_outOfRange_is400() {
    assertBadRequest("/api/v1/usage?month=1999-12", "bad_month");
  }

  @Test
  void format_unknown_is400() {
    assertBadRequest("/api/v1/usage?format=xml", "bad_format");
  }

  @Test
  void cameraUsage_badFrom_is400() {
    assertBadRequest("/api/v1/cameras/cam-1/usage?from=yesterday", "bad_from");
  }

  @Test
  void cameraUsage_badTo_is400() {
    assertBadRequest("/api/v1/cameras/cam-1/usage?to=2026-02-30", "bad_to");
  }

  @Test
  void cameraUsage_toBeforeFrom_is400() {
    assertBadRequest("/api/v1/cameras/cam-1/usage?from=2026-12-05&to=2026-12-01", "bad_range");
  }

  @Test
  void cameraUsage_overAYear_is400() {
    assertBadRequest("/api/v1/cameras/cam-1/usage?from=2025-01-01&to=2026-12-01", "range_too_long");
  }

  @Test
  void cameraUsage_badCameraId_is400() {
    assertBadRequest("/api/v1/cameras/Bad%20Id/usage", "invalid_camera_id");
  }

  @Test
  void cameraUsage_unknownCamera_isZeroUsage_andCsvOnAccept() {
    HttpResponse<Buffer> json = get("/api/v1/cameras/never-seen/usage?from=2026-12-01&to=2026-12-03", null);
    assertEquals(200, json.statusCode(), json.bodyAsString());
    JsonObject body = json.bodyAsJsonObject();
    assertEquals(0, body.getLong("storedBytes"));
    assertEquals(3, body.getJsonArray("days").size(), "each day of the range, zeros included");
    HttpResponse<Buffer> csv = get("/api/v1/cameras/never-seen/usage?from=2026-12-01&to=2026-12-02", "text/csv");
    assertEquals(200, csv.statusCode());
    assertTrue(csv.getHeader("Content-Type").startsWith("text/csv"), csv.getHeader("Content-Type"));
    assertEquals("day,stored_bytes,stored_objects,puts,bytes_in,deletes,bytes_deleted,byte_hours,playback_requests,"
        + "segments_served,bytes_served\n2026-12-01,0,0,0,0,0,0,0.000,0,0,0\n2026-12-02,0,0,0,0,0,0,0.000,0,0,0\n",
        csv.bodyAsString());
  }

  @Test
  void quota_zeroBytes_is400() {
    assertBadQuota(new JsonObject().put("maxBytes", 0).put("policy", "ring"), "bad_max_bytes");
  }

  @Test
  void quota_bytesNotANumber_is400() {
    assertBadQuota(new JsonObject().put("maxBytes", "1GB").put("policy", "ring"), "bad_max_bytes");
  }

  @Test
  void quota_bytesMissing_is400() {
    assertBadQuota(new JsonObject().put("policy", "stop"), "bad_max_bytes");
  }

  @Test
  void quota_unknownPolicy_is400() {
    assertBadQuota(new JsonObject().put("maxBytes", 1000).put("policy", "fifo"), "bad_policy");
  }

  @Test
  void quota_retentionDaysOutOfRange_is400() {
    assertBadQuota(new JsonObject().put("maxBytes", 1000).put("policy", "ring").put("retentionDays", 0),
        "bad_retention_days");
  }

  @Test
  void quota_notJson_is400() {
    HttpResponse<Buffer> r = await(http.put(ingest.httpPort, "127.0.0.1", "/api/v1/cameras/cam-1/quota")
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN).sendBuffer(Buffer.buffer("maxBytes=1")));
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals("bad_json", r.bodyAsJsonObject().getString("error"));
  }

  @Test
  void quota_badCameraId_is400() {
    assertBadRequest("/api/v1/cameras/-x/quota", "invalid_camera_id");
  }

  @Test
  void quota_setReadDelete_thenNone_is404() {
    String path = "/api/v1/cameras/quota-crud/quota";
    HttpResponse<Buffer> put = await(http.put(ingest.httpPort, "127.0.0.1", path)
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("maxBytes", 5_000_000).put("policy", "stop").put("retentionDays", 3)));
    assertEquals(200, put.statusCode(), put.bodyAsString());
    JsonObject got = get(path, null).bodyAsJsonObject();
    assertEquals(5_000_000L, got.getLong("maxBytes"));
    assertEquals("stop", got.getString("policy"));
    assertEquals(3, got.getInteger("retentionDays"));
    assertEquals(204, await(http.delete(ingest.httpPort, "127.0.0.1", path)
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN).send()).statusCode());
    HttpResponse<Buffer> none = get(path, null);
    assertEquals(404, none.statusCode());
    assertEquals("no_quota", none.bodyAsJsonObject().getString("error"));
  }

  private static void assertBadQuota(JsonObject body, String code) {
    HttpResponse<Buffer> r = await(http.put(ingest.httpPort, "127.0.0.1", "/api/v1/cameras/cam-1/quota")
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN).sendJsonObject(body));
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }

  private static void assertBadRequest(String path, String code) {
    HttpResponse<Buffer> r = get(path, null);
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }

  private static HttpResponse<Buffer> get(String path, String accept) {
    var req = http.get(ingest.httpPort, "127.0.0.1", path).bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN);
    if (accept != null) req.putHeader("Accept", accept);
    return await(req.send());
  }
}
