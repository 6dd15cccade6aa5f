package io.ipchls.ingest.control;

import io.ipchls.ingest.retention.RetentionConfig;
import io.ipchls.kit.config.IntSetting;
import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.Routes;
import io.ipchls.protocol.CameraIds;
import io.ipchls.protocol.RecordingEvent;
import io.ipchls.protocol.SegmentDuration;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/** The recording-control API's typed requests, parsed and checked before any I/O; bad input is a 400. */
final class ControlRequests {
  static final int MAX_NAME_CHARS = 100;
  static final int MAX_CAMERAS_PER_TASK = 100;
  static final int MAX_CALLBACK_ITEMS = 20;
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  static final Pattern TEMPLATE_ID = Pattern.compile("tpl_[0-9a-f]{16}");
  static final Pattern TASK_ID = Pattern.compile("task_[0-9a-f]{16}");
  static final Pattern WEBHOOK_ID = Pattern.compile("wh_[0-9a-f]{16}");

  private ControlRequests() {}

  /** A template's settings as given in {@code POST} and {@code PUT /record-templates}. */
  record TemplateBody(String name, int segmentSeconds, int retentionDays, int indexPeriodSeconds,
      String prefixPattern, List<String> events, List<String> webhooks, String container,
      TemplateRecording recording) {
    static TemplateBody from(RoutingContext ctx) {
      JsonObject b = Routes.jsonBody(ctx);
      Object name = b.getValue("name");
      if (!(name instanceof String n) || n.isBlank() || n.length() > MAX_NAME_CHARS
          || n.chars().anyMatch(Character::isISOControl)) {
        throw ApiException.badRequest("bad_name", "name must be 1.." + MAX_NAME_CHARS + " printable characters");
      }
      int segment = integer(b, "segmentSeconds", SegmentDuration.DEFAULT_SECONDS, SegmentDuration.MIN_SECONDS,
          SegmentDuration.MAX_SECONDS, "bad_segment_seconds");
      IntSetting days = RetentionConfig.RETENTION_DAYS;
      int retention = integer(b, days.key(), days.defaultValue(), days.min(), days.max(), "bad_retention_days");
      int period = integer(b, "indexPeriodSeconds", /* def= */ 3600, /* min= */ 60, /* max= */ 86400,
          "bad_index_period");
      Object pattern = b.getValue("prefixPattern", PrefixPattern.DEFAULT);
      String p = pattern instanceof String s ? s : null;
      PrefixPattern.problem(p).ifPresent(problem -> {
        throw ApiException.badRequest("bad_prefix_pattern", "prefixPattern " + problem);
      });
      JsonObject callbacks = object(b, "callbacks");
      List<String> events = strings(callbacks, "events");
      for (String e : events) {
        if (!RecordingEvent.TYPES.contains(e)) {
          throw ApiException.badRequest("bad_callbacks", "callbacks.events: unknown event '" + abbreviate(e)
              + "'; known: " + RecordingEvent.TYPES);
        }
      }
      List<String> webhooks = strings(callbacks, "webhooks");
      for (String w : webhooks) {
        if (!WEBHOOK_ID.matcher(w).matches()) {
          throw ApiException.badRequest("bad_callbacks", "callbacks.webhooks: '" + abbreviate(w)
              + "' is not a webhook id");
        }
      }
      Object container = b.getValue("container");
      if (container != null && !SegmentNotification.CONTAINER_TS.equals(container)
          && !SegmentNotification.CONTAINER_FMP4.equals(container)) {
        throw ApiException.badRequest("bad_container", "container must be \"" + SegmentNotification.CONTAINER_TS
            + "\" or \"" + SegmentNotification.CONTAINER_FMP4 + "\" (or absent: each camera keeps its own)");
      }
      return new TemplateBody(n.strip(), segment, retention, period, p, events, webhooks, (String) container,
          TemplateRecording.from(b));
    }
  }

  /** {@code POST /record-tasks {templateId, cameraIds}}. */
  record StartTask(String templateId, List<String> cameraIds) {
    static StartTask from(RoutingContext ctx) {
      JsonObject b = Routes.jsonBody(ctx);
      String template = ControlRequests.templateId(b.getValue("templateId"));
      Object cams = b.getValue("cameraIds");
      if (!(cams instanceof JsonArray a) || a.isEmpty() || a.size() > MAX_CAMERAS_PER_TASK) {
        throw ApiException.badRequest("bad_camera_ids", "cameraIds must be an array of 1.." + MAX_CAMERAS_PER_TASK
            + " camera ids");
      }
      LinkedHashSet<String> ids = new LinkedHashSet<>();
      for (Object o : a) {
        if (!(o instanceof String s) || !CameraIds.isValid(s)) {
          throw ApiException.badRequest("bad_camera_ids", "camera ids must match " + CameraIds.PATTERN.pattern());
        }
        if (!ids.add(s)) throw ApiException.badRequest("bad_camera_ids", "camera " + s + " is listed twice");
      }
      return new StartTask(template, List.copyOf(ids));
    }
  }

  /** {@code PUT /record-tasks/{id} {templateId}}. */
  static String updateTemplateId(RoutingContext ctx) {
    return templateId(Routes.jsonBody(ctx).getValue("templateId"));
  }

  /** Keyset paging: {@code limit} (1..100, default 20) items after the id {@code after}. */
  record Page(int limit, String after) {
    static Page from(RoutingContext ctx, Pattern idPattern) {
      MultiMap q = ctx.queryParams();
      int limit = queryInt(q, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, "bad_limit");
      String after = q.get("after");
      if (after != null && !idPattern.matcher(after).matches()) {
        throw ApiException.badRequest("bad_after", "after must be an id from a previous page's next");
      }
      return new Page(limit, after == null ? "" : after);
    }
  }

  /** {@code GET /record-files?cameraId=&taskId=&from=&to=&page=&pageSize=}. */
  record FilesQuery(String cameraId, String taskId, Instant from, Instant to, int page, int pageSize) {
    static FilesQuery from(RoutingContext ctx) {
      MultiMap q = ctx.queryParams();
      String camera = q.get("cameraId");
      if (camera != null && !CameraIds.isValid(camera)) {
        throw ApiException.badRequest("bad_camera_id", "cameraId must match " + CameraIds.PATTERN.pattern());
      }
      String task = q.get("taskId");
      if (task != null && !TASK_ID.matcher(task).matches()) {
        throw ApiException.badRequest("bad_task_id", "taskId must be a task id (task_ + 16 hex)");
      }
      if (camera == null && task == null) {
        throw ApiException.badRequest("missing_filter", "give cameraId, taskId or both");
      }
      long from = queryLong(q, "from", 0, "bad_range");
      long to = queryLong(q, "to", Instant.parse("9999-01-01T00:00:00Z").toEpochMilli(), "bad_range");
      if (from >= to) throw ApiException.badRequest("bad_range", "from must be before to (epoch ms)");
      int page = queryInt(q, "page", /* def= */ 1, /* min= */ 1, /* max= */ 100_000, "bad_page");
      int pageSize = queryInt(q, "pageSize", DEFAULT_LIMIT, /* min= */ 1, MAX_LIMIT, "bad_page_size");
      return new FilesQuery(camera, task, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), page, pageSize);
    }
  }

  static String templateId(Object id) {
    if (!(id instanceof String s) || !TEMPLATE_ID.matcher(s).matches()) {
      throw ApiException.badRequest("bad_template_id", "templateId must be a template id (tpl_ + 16 hex)");
    }
    return s;
  }

  static String pathTemplateId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!TEMPLATE_ID.matcher(id).matches()) throw new ApiException(404, "unknown_template", "no template " + abbreviate(id));
    return id;
  }

  static String pathTaskId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!TASK_ID.matcher(id).matches()) throw new ApiException(404, "unknown_task", "no task " + abbreviate(id));
    return id;
  }

  private static int integer(JsonObject b, String key, int def, int min, int max, String code) {
    Object v = b.getValue(key);
    if (v == null) return def;
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min
        || ((Number) v).longValue() > max) {
      throw ApiException.badRequest(code, key + " must be an integer in " + min + ".." + max);
    }
    return ((Number) v).intValue();
  }

  private static JsonObject object(JsonObject b, String key) {
    Object v = b.getValue(key);
    if (v == null) return new JsonObject();
    if (!(v instanceof JsonObject o)) throw ApiException.badRequest("bad_callbacks", key + " must be an object");
    return o;
  }

  private static List<String> strings(JsonObject o, String key) {
    Object v = o.getValue(key);
    if (v == null) return List.of();
    if (!(v instanceof JsonArray a) || a.size() > MAX_CALLBACK_ITEMS) {
      throw ApiException.badRequest("bad_callbacks", "callbacks." + key + " must be an array of at most "
          + MAX_CALLBACK_ITEMS + " strings");
    }
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (Object x : a) {
      if (!(x instanceof String s)) {
        throw ApiException.badRequest("bad_callbacks", "callbacks." + key + " must hold strings");
      }
      out.add(s);
    }
    return new ArrayList<>(out);
  }

  private static int queryInt(MultiMap q, String name, int def, int min, int max, String code) {
    long v = queryLong(q, name, def, code);
    if (v < min || v > max) throw ApiException.badRequest(code, name + " must be an integer in " + min + ".." + max);
    return (int) v;
  }

  private static long queryLong(MultiMap q, String name, long def, String code) {
    String s = q.get(name);
    if (s == null) return def;
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(code, name + " must be an integer");
    }
  }

  static String abbreviate(String s) {
    if (s == null) return "null";
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
