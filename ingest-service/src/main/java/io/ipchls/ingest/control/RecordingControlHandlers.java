package io.ipchls.ingest.control;

import io.ipchls.ingest.control.ControlRequests.FilesQuery;
import io.ipchls.ingest.control.ControlRequests.Page;
import io.ipchls.ingest.control.ControlRequests.StartTask;
import io.ipchls.ingest.control.ControlRequests.TemplateBody;
import io.ipchls.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handlers of the recording-control admin API (record templates, record tasks, record files) under /api/v1; their
 * routes are in IngestHttpVerticle's route table.
 */
public final class RecordingControlHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(RecordingControlHandlers.class);
  public static final String TEMPLATES = "/record-templates";
  public static final String TASKS = "/record-tasks";
  public static final String FILES = "/record-files";
  public static final String TRIGGER = "/cameras/:id/trigger";

  private final CameraControlVerticle control;
  private final TemplateRepository templates;
  private final TaskRepository tasks;
  private final CameraRegistry registry;
  private final RecordFiles files;

  RecordingControlHandlers(Pool pool, CameraControlVerticle control, ReplayUrls replay, int defaultRetentionDays) {
    this.control = control;
    this.templates = new TemplateRepository(pool);
    this.tasks = new TaskRepository(pool, defaultRetentionDays);
    this.registry = new CameraRegistry(pool);
    this.files = new RecordFiles(pool, replay);
  }

  public Future<JsonObject> addTemplate(RoutingContext ctx) {
    TemplateBody body = TemplateBody.from(ctx);
    return templates.insert(body).map(t -> {
      ctx.response().setStatusCode(201).putHeader("Location", "/api/v1" + TEMPLATES + "/" + t.id());
      return t.toJson();
    });
  }

  public Future<JsonObject> listTemplates(RoutingContext ctx) {
    Page page = Page.from(ctx, ControlRequests.TEMPLATE_ID);
    return templates.page(page.after(), page.limit() + 1).map(found -> {
      boolean more = found.size() > page.limit();
      var shown = more ? found.subList(0, page.limit()) : found;
      JsonArray list = new JsonArray();
      shown.forEach(t -> list.add(t.toJson()));
      return new JsonObject().put("templates", list).put("next", more ? shown.get(shown.size() - 1).id() : null);
    });
  }

  public Future<JsonObject> getTemplate(RoutingContext ctx) {
    String id = ControlRequests.pathTemplateId(ctx);
    return templates.find(id).map(t -> t.orElseThrow(() -> TemplateRepository.unknown(id)).toJson());
  }

  public Future<JsonObject> updateTemplate(RoutingContext ctx) {
    String id = ControlRequests.pathTemplateId(ctx);
    TemplateBody body = TemplateBody.from(ctx);
    return templates.replace(id, body, tasks)
        .compose(r -> command(r.cameras()).map(r.template().toJson()));
  }

  public Future<Void> deleteTemplate(RoutingContext ctx) {
    String id = ControlRequests.pathTemplateId(ctx);
    return templates.delete(id).onSuccess(v -> ctx.response().setStatusCode(204));
  }

  public Future<JsonObject> startTask(RoutingContext ctx) {
    StartTask req = StartTask.from(ctx);
    return registry.prefixes(req.cameraIds()).compose(found -> {
      List<String> unknown = new ArrayList<>(req.cameraIds());
      unknown.removeAll(found.keySet());
      if (!unknown.isEmpty()) {
        return Future.failedFuture(new ApiException(404, "unknown_camera", "no such camera(s): " + unknown));
      }
      return tasks.start(req.templateId(), found);
    }).compose(taskId -> command(req.cameraIds()).compose(v -> tasks.describe(taskId))).map(task -> {
      ctx.response().setStatusCode(201).putHeader("Location", "/api/v1" + TASKS + "/" + task.getString("id"));
      return task;
    });
  }

  /**
   * {@code POST /cameras/{id}/trigger {eventId?}}: an event clip on an event-only camera now (its trigger command,
   * not retained). 202 once the broker took it; the camera must be connected to get it.
   */
  public Future<JsonObject> trigger(RoutingContext ctx) {
    TriggerRequest req = TriggerRequest.from(ctx);
    return registry.prefixes(List.of(req.cameraId())).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new ApiException(404, "unknown_camera", "no such camera: " + req.cameraId()));
      }
      return control.trigger(req.cameraId(), req.eventId()).recover(e -> Future.failedFuture(
          new ApiException(502, "broker_unavailable", "the trigger was not published: " + e.getMessage())));
    }).map(v -> {
      ctx.response().setStatusCode(202);
      return new JsonObject().put("cameraId", req.cameraId()).put("eventId", req.eventId()).put("published", true);
    });
  }

  public Future<JsonObject> listTasks(RoutingContext ctx) {
    Page page = Page.from(ctx, ControlRequests.TASK_ID);
    String state = ctx.queryParams().get("state");
    if (state != null && !state.equals("running") && !state.equals("stopped")) {
      throw ApiException.badRequest("bad_state", "state must be running or stopped");
    }
    return tasks.page(page.after(), state, page.limit() + 1).compose(ids -> {
      boolean more = ids.size() > page.limit();
      List<String> shown = more ? ids.subList(0, page.limit()) : ids;
      return tasks.describe(shown).map(list -> new JsonObject().put("tasks", new JsonArray(new ArrayList<>(list)))
          .put("next", more ? shown.get(shown.size() - 1) : null));
    });
  }

  public Future<JsonObject> getTask(RoutingContext ctx) {
    return tasks.describe(ControlRequests.pathTaskId(ctx));
  }

  public Future<JsonObject> updateTask(RoutingContext ctx) {
    String id = ControlRequests.pathTaskId(ctx);
    String templateId = ControlRequests.updateTemplateId(ctx);
    return tasks.switchTemplate(id, templateId).compose(this::command).compose(v -> tasks.describe(id));
  }

  public Future<JsonObject> stopTask(RoutingContext ctx) {
    String id = ControlRequests.pathTaskId(ctx);
    return tasks.stop(id).compose(this::command).compose(v -> tasks.describe(id));
  }

  public Future<JsonObject> describeFiles(RoutingContext ctx) {
    return files.describe(FilesQuery.from(ctx));
  }

  /** The state change is committed: a command that cannot be published now stays pending and is retried. */
  private Future<Void> command(List<String> cameras) {
    return control.pushCommands(cameras).recover(e -> {
      LOG.warn("commands for {} not published yet (retried): {}", cameras, e.getMessage());
      return Future.succeededFuture();
    });
  }
}
