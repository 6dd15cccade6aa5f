package io.ipchls.ingest.control;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipchls.ingest.IngestTestSupport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecordTemplatesTest {
  private static ControlTestSupport api;

  @BeforeAll
  static void start(Vertx vertx) {
    api = new ControlTestSupport(new IngestTestSupport(vertx).start());
  }

  @Test
  void template_addGetUpdateDelete() {
    JsonObject body = ControlTestSupport.template("tpl").put("callbacks", new JsonObject()
        .put("events", new JsonArray().add("recording.started").add("index.ready")));
    JsonObject made = api.ok(POST, "/record-templates", body, 201);
    String id = made.getString("id");
    assertEquals(body.getString("name"), made.getString("name"));
    assertEquals(2, made.getInteger("segmentSeconds"));
    assertEquals(3, made.getInteger("retentionDays"));
    assertEquals(60, made.getInteger("indexPeriodSeconds"));
    assertEquals("{prefix}/tasks/{task}", made.getString("prefixPattern"));
    assertEquals(List.of("recording.started", "index.ready"), made.getJsonObject("callbacks").getJsonArray("events")
        .getList());
    assertEquals(made, api.ok(GET, "/record-templates/" + id, null, 200));

    JsonObject changed = body.copy().put("segmentSeconds", 6).put("indexPeriodSeconds", 3600);
    JsonObject updated = api.ok(PUT, "/record-templates/" + id, changed, 200);
    assertEquals(6, updated.getInteger("segmentSeconds"));
    assertEquals(3600, api.ok(GET, "/record-templates/" + id, null, 200).getInteger("indexPeriodSeconds"));

    api.ok(DELETE, "/record-templates/" + id, null, 204);
    api.refused(GET, "/record-templates/" + id, null, 404, "unknown_template");
    api.refused(DELETE, "/record-templates/" + id, null, 404, "unknown_template");
  }

  @Test
  void template_defaults_whenOnlyTheNameIsGiven() {
    JsonObject made = api.ok(POST, "/record-templates", new JsonObject().put("name", "defaults-" + System.nanoTime()),
        201);
    assertEquals(3, made.getInteger("segmentSeconds"));
    assertEquals(7, made.getInteger("retentionDays"));
    assertEquals(3600, made.getInteger("indexPeriodSeconds"));
    assertEquals("{prefix}", made.getString("prefixPattern"));
  }

  @Test
  void templates_listPagesThroughAll() {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) made.add(api.createTemplate(ControlTestSupport.template("page")));
    List<String> seen = new ArrayList<>();
    String after = null;
    do {
      JsonObject page = api.ok(GET, "/record-templates?limit=2" + (after == null ? "" : "&after=" + after), null, 200);
      assertEquals(true, page.getJsonArray("templates").size() <= 2);
      page.getJsonArray("templates").forEach(t -> seen.add(((JsonObject) t).getString("id")));
      after = page.getString("next");
    } while (after != null);
    assertEquals(true, seen.containsAll(made), "every template on some page");
    assertEquals(seen.stream().distinct().sorted().toList(), seen, "in id order, none twice");
  }

  @Test
  void template_invalidIndexPeriod_is400() {
    badTemplate("p", "indexPeriodSeconds", 59, "bad_index_period");
    badTemplate("p", "indexPeriodSeconds", 86401, "bad_index_period");
    badTemplate("p", "indexPeriodSeconds", "3600", "bad_index_period");
  }

  @Test
  void template_unknownContainer_is400() {
    badTemplate("c", "container", "mkv", "bad_container");
    badTemplate("c", "container", 1, "bad_container");
  }

  @Test
  void template_unknownMode_is400() {
    badTemplate("m", "mode", "motion", "bad_mode");
  }

  @Test
  void template_preRollOver60_is400() {
    badTemplate("p", "preRollSeconds", 61, "bad_pre_roll");
  }

  @Test
  void template_postRollZero_is400() {
    badTemplate("q", "postRollSeconds", 0, "bad_post_roll");
  }

  @Test
  void template_unknownTier_is400() {
    badTemplate("t", "tier", "glacier", "bad_tier");
  }

  @Test
  void template_recordingModeAndTier_areKept_andAbsentMeansTheCamerasOwn() {
    String id = api.createTemplate(ControlTestSupport.template("event-tpl").put("mode", "event")
        .put("preRollSeconds", 5).put("postRollSeconds", 30).put("tier", "archive"));
    JsonObject t = api.ok(GET, "/record-templates/" + id, null, 200);
    assertEquals("event", t.getString("mode"));
    assertEquals(5, t.getInteger("preRollSeconds"));
    assertEquals(30, t.getInteger("postRollSeconds"));
    assertEquals("archive", t.getString("tier"));
    String plain = api.createTemplate(ControlTestSupport.template("no-mode"));
    assertEquals(null, api.ok(GET, "/record-templates/" + plain, null, 200).getString("mode"));
  }

  @Test
  void template_container_isKept_andAbsentMeansTheCamerasOwn() {
    String id = api.createTemplate(ControlTestSupport.template("fmp4-tpl").put("container", "fmp4"));
    assertEquals("fmp4", api.ok(GET, "/record-templates/" + id, null, 200).getString("container"));
    String plain = api.createTemplate(ControlTestSupport.template("no-container"));
    assertEquals(null, api.ok(GET, "/record-templates/" + plain, null, 200).getString("container"));
  }

  @Test
  void template_invalidSegmentOrRetention_is400() {
    badTemplate("s", "segmentSeconds", 61, "bad_segment_seconds");
    badTemplate("s", "retentionDays", 0, "bad_retention_days");
    api.refused(POST, "/record-templates", new JsonObject().put("name", ""), 400, "bad_name");
  }

  @Test
  void template_prefixPatternThatCouldLeaveTheCameraPrefix_is400() {
    for (String bad : List.of("other/{camera}", "{prefix}/../x", "{prefix}/./x", "{prefix}//x", "{prefix}/x/",
        "/{prefix}", "{prefix}/{unknown}", "{prefix}/a b", "{prefix}/.hidden", "{camera}", "{prefix}/{prefix}")) {
      badTemplate("x", "prefixPattern", bad, "bad_prefix_pattern");
    }
  }

  @Test
  void template_unknownCallbackEvent_is400() {
    badTemplate("cb", "callbacks", new JsonObject().put("events", new JsonArray().add("recording.exploded")),
        "bad_callbacks");
  }

  @Test
  void template_unknownWebhook_is404_andAKnownOneIsAccepted() {
    String known = "wh_" + Long.toHexString(System.nanoTime() | (1L << 62)).substring(0, 16);
    await(api.ingest.pool.preparedQuery("INSERT INTO ingest.webhooks (webhook_id, url) VALUES ($1, $2)")
        .execute(Tuple.of(known, "https://example.test/hook")));
    api.refused(POST, "/record-templates", ControlTestSupport.template("wh").put("callbacks", new JsonObject()
        .put("webhooks", new JsonArray().add("wh_0000000000000000"))), 404, "unknown_webhook");
    JsonObject made = api.ok(POST, "/record-templates", ControlTestSupport.template("wh").put("callbacks",
        new JsonObject().put("webhooks", new JsonArray().add(known))), 201);
    assertEquals(List.of(known), made.getJsonObject("callbacks").getJsonArray("webhooks").getList());
  }

  @Test
  void template_malformedJson_is400() {
    api.refused(POST, "/record-templates", "{\"name\": ", 400, "bad_json");
    api.refused(POST, "/record-templates", "[1,2]", 400, "bad_json");
  }

  @Test
  void template_badPaging_is400() {
    api.refused(GET, "/record-templates?limit=0", null, 400, "bad_limit");
    api.refused(GET, "/record-templates?limit=101", null, 400, "bad_limit");
    api.refused(GET, "/record-templates?limit=ten", null, 400, "bad_limit");
    api.refused(GET, "/record-templates?after=nope", null, 400, "bad_after");
  }

  @Test
  void template_duplicateName_is409() {
    JsonObject body = ControlTestSupport.template("dup");
    api.createTemplate(body);
    api.refused(POST, "/record-templates", body, 409, "name_taken");
  }

  @Test
  void template_deleteWhileARunningTaskUsesIt_is409_andAfterTheStopSucceeds() {
    String camera = api.register("tpl-del", null);
    String tpl = api.createTemplate(ControlTestSupport.template("del"));
    String task = api.startTask(tpl, camera).getString("id");
    api.refused(DELETE, "/record-templates/" + tpl, null, 409, "template_in_use");
    api.ok(POST, "/record-tasks/" + task + "/stop", null, 200);
    api.ok(DELETE, "/record-templates/" + tpl, null, 204);
    JsonObject stopped = api.ok(GET, "/record-tasks/" + task, null, 200);
    assertEquals(tpl, stopped.getString("templateId"), "a stopped task keeps naming its template");
  }

  @Test
  void withoutAdminToken_is401() {
    var r = await(io.vertx.ext.web.client.WebClient.create(api.ingest.vertx)
        .get(api.ingest.httpPort, "127.0.0.1", "/api/v1/record-templates").send());
    assertEquals(401, r.statusCode());
    assertNotNull(r.bodyAsJsonObject().getString("error"));
    assertNull(r.getHeader("Location"));
  }

  /** Without the token a body is never read: a body over the limit gets 401, not 413 (which would mean it was read). */
  @Test
  void withoutAdminToken_aLargeBody_is401_beforeItIsRead() {
    var body = io.vertx.core.buffer.Buffer.buffer(new byte[256 * 1024]);
    var r = await(io.vertx.ext.web.client.WebClient.create(api.ingest.vertx)
        .post(api.ingest.httpPort, "127.0.0.1", "/api/v1/record-templates")
        .putHeader("Content-Type", "application/json").sendBuffer(body));
    assertEquals(401, r.statusCode());
    assertNotNull(r.bodyAsJsonObject().getString("error"));
  }

  /** A template named {@code name} with {@code field} set to {@code value} is refused: 400 with {@code code}. */
  private static void badTemplate(String name, String field, Object value, String code) {
    api.refused(POST, "/record-templates", ControlTestSupport.template(name).put(field, value), 400, code);
  }
}
