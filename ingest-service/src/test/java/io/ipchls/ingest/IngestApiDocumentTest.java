package io.ipchls.ingest;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.infra.ApiContract;
import io.ipchls.ingest.callbacks.CallbacksTestSupport;
import io.ipchls.ingest.control.ControlTestSupport;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document ingest-service serves ({@code GET /openapi.yaml}) against the running service, with an admin
 * token and a callbacks master key so that every route exists: the same routes as its router, and the answers of
 * recording control, webhooks, health, metrics and the ops view, successes and errors, match the documented schemas.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IngestApiDocumentTest {
  private static final String API = "/api/v1";
  private static final String UNKNOWN_TEMPLATE = API + "/record-templates/tpl_0000000000000000";
  private static ControlTestSupport control;
  private static ApiContract contract;
  private static WebClient web;

  @BeforeAll
  static void start(Vertx vertx) {
    control = new ControlTestSupport(new IngestTestSupport(vertx, CallbacksTestSupport.fastCallbacks()).start());
    contract = ApiContract.load(vertx, "openapi/ingest-service.yaml");
    web = WebClient.create(vertx);
  }

  @Test
  void document_listsExactlyTheRoutesOfTheRouter(Vertx vertx) {
    var router = ApiContract.deployed(vertx, IngestHttpVerticle.class).router();
    assertEquals(contract.documentedRoutes(), ApiContract.routesOf(router, null, Set.of()));
  }

  @Test
  void cameraEvents_answersMatchTheDocument() {
    String camera = control.register("oas-events", null);
    JsonObject event = new JsonObject().put("v", 1).put("id", "oas-1").put("type", "person").put("label", "Ann")
        .put("start", System.currentTimeMillis() - 1000).put("data", new JsonObject().put("score", 0.9));
    valid(POST, API + "/cameras/" + camera + "/events", event, 201);
    valid(POST, API + "/cameras/" + camera + "/events", event, 200);
    valid(POST, API + "/cameras/" + camera + "/events", event.copy().put("type", "meteor"), 400);
    valid(POST, API + "/cameras/nobody-oas-events/events", event, 404);
  }

  @Test
  void recordTemplates_answersMatchTheDocument() {
    JsonObject body = ControlTestSupport.template("oas");
    String id = valid(POST, API + "/record-templates", body, 201).getString("id");
    valid(POST, API + "/record-templates", body, 409);
    valid(POST, API + "/record-templates", body.copy().put("indexPeriodSeconds", 1), 400);
    valid(GET, API + "/record-templates?limit=2", null, 200);
    valid(GET, API + "/record-templates/" + id, null, 200);
    valid(PUT, API + "/record-templates/" + id, body.copy().put("segmentSeconds", 4), 200);
    valid(DELETE, API + "/record-templates/" + id, null, 204);
    valid(GET, UNKNOWN_TEMPLATE, null, 404);
  }

  @Test
  void recordTasksAndFiles_answersMatchTheDocument() {
    String camera = control.register("oas", null);
    String template = control.createTemplate(ControlTestSupport.template("oas-task"));
    String other = control.createTemplate(ControlTestSupport.template("oas-other"));
    JsonObject start = new JsonObject().put("templateId", template).put("cameraIds", new JsonArray().add(camera));
    String task = valid(POST, API + "/record-tasks", start, 201).getString("id");
    valid(POST, API + "/record-tasks", start, 409);
    valid(POST, API + "/record-tasks", start.copy().put("cameraIds", new JsonArray().add("nobody-oas")), 404);
    valid(GET, API + "/record-tasks?state=running&limit=5", null, 200);
    valid(GET, API + "/record-tasks?state=paused", null, 400);
    valid(GET, API + "/record-tasks/" + task, null, 200);
    valid(PUT, API + "/record-tasks/" + task, new JsonObject().put("templateId", other), 200);
    valid(POST, API + "/record-tasks/" + task + "/stop", null, 200);
    valid(PUT, API + "/record-tasks/" + task, new JsonObject().put("templateId", template), 409);
    valid(GET, API + "/record-files?taskId=" + task + "&page=1&pageSize=20", null, 200);
    valid(GET, API + "/record-files?cameraId=" + camera, null, 200);
    valid(GET, API + "/record-files", null, 400);
  }

  @Test
  void webhooks_answersMatchTheDocument() {
    JsonObject body = new JsonObject().put("url", "https://example.invalid/hook").put("description", "oas")
        .put("events", new JsonArray().add("camera.offline"));
    String id = valid(POST, API + "/webhooks", body, 201).getString("id");
    valid(POST, API + "/webhooks", body.copy().put("url", "ftp://example.invalid"), 400);
    valid(GET, API + "/webhooks?limit=2", null, 200);
    valid(GET, API + "/webhooks/" + id, null, 200);
    valid(POST, API + "/webhooks/" + id + "/secret", null, 200);
    valid(GET, API + "/webhooks/" + id + "/deliveries?status=failed", null, 200);
    valid(GET, API + "/webhooks/" + id + "/deliveries?status=lost", null, 400);
    valid(GET, API + "/webhooks/" + id + "/deliveries/1", null, 404);
    valid(POST, API + "/webhooks/" + id + "/deliveries/1/retry", null, 404);
    valid(DELETE, API + "/webhooks/" + id, null, 204);
    valid(GET, API + "/webhooks/" + id, null, 404);
  }

  @Test
  void missingToken_answerMatchesTheDocument() {
    HttpResponse<Buffer> r = await(web.get(port(), "127.0.0.1", API + "/record-tasks").send());
    assertEquals(401, r.statusCode());
    contract.assertValid(GET, API + "/record-tasks", r);
  }

  @Test
  void healthMetricsOpsAndDocument_answersMatchTheDocument() {
    for (String path : new String[] {"/health", "/openapi.yaml"}) {
      HttpResponse<Buffer> r = await(web.get(port(), "127.0.0.1", path).send());
      assertEquals(200, r.statusCode(), path);
      contract.assertValid(GET, path, r);
    }
    HttpResponse<Buffer> metrics = await(web.get(port(), "127.0.0.1", "/metrics")
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN).send());
    assertEquals(200, metrics.statusCode());
    contract.assertValid(GET, "/metrics", metrics);
    HttpResponse<Buffer> anonymous = await(web.get(port(), "127.0.0.1", "/metrics").send());
    assertEquals(401, anonymous.statusCode());
    contract.assertValid(GET, "/metrics", anonymous);
    valid(GET, "/ops/v1/status", null, 200);
    valid(GET, "/ops/v1/members", null, 200);
  }

  private static int port() {
    return control.ingest.httpPort;
  }

  private static JsonObject valid(HttpMethod method, String path, JsonObject body, int status) {
    var request = web.request(method, port(), "127.0.0.1", path)
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN);
    HttpResponse<Buffer> r = await(body == null ? request.send() : request.sendJsonObject(body));
    assertEquals(status, r.statusCode(), method + " " + path + ": " + r.bodyAsString());
    contract.assertValid(method, path, r);
    return r.body() == null ? null : r.bodyAsJsonObject();
  }
}
