package io.ipchls.ingest.control;

import io.ipchls.ingest.shared.Ids;
import io.ipchls.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Record tasks and their spans ({@code ingest.record_tasks}, {@code ingest.task_spans}): start, stop, switch the
 * template, describe. Every change is one transaction; the caller then publishes the cameras' commands.
 */
final class TaskRepository {
  static final String BUSY = "SELECT camera_id, task_id FROM ingest.task_spans WHERE camera_id = ANY($1::text[]) "
      + "AND stopped_at IS NULL";
  static final String INSERT_TASK = "INSERT INTO ingest.record_tasks (task_id, template_id) VALUES ($1, $2)";
  static final String INSERT_SPANS = """
      INSERT INTO ingest.task_spans (task_id, camera_id, template_id, segment_seconds, index_period_seconds,
                                     camera_prefix, key_prefix, started_at, indexed_until, container,
                                     mode, pre_roll_seconds, post_roll_seconds, tier)
      SELECT t, c, $1, $2, $3, p, k, now(), now(), $8, $9, $10, $11, $12
      FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS x(t, c, p, k)""";
  /**
   * The template's retention ($2) for the cameras ($1) where it is longer than theirs: their own, or the default ($3)
   * for cameras without their own. Never shorter (see ARCHITECTURE.md, "Recording control").
   */
  static final String RETENTION = """
      INSERT INTO ingest.camera_settings (camera_id, retention_days)
      SELECT c, $2::int FROM unnest($1::text[]) AS c
      WHERE $2::int > $3::int OR EXISTS (SELECT 1 FROM ingest.camera_settings s WHERE s.camera_id = c)
      ON CONFLICT (camera_id) DO UPDATE SET retention_days = excluded.retention_days, updated_at = now()
      WHERE camera_settings.retention_days < excluded.retention_days""";
  static final String LOCK_TASK = "SELECT state FROM ingest.record_tasks WHERE task_id = $1 FOR UPDATE";
  static final String STOP_TASK = "UPDATE ingest.record_tasks SET state = 'stopped', stopped_at = now(), "
      + "updated_at = now() WHERE task_id = $1 AND state = 'running'";
  static final String STOP_SPANS = "UPDATE ingest.task_spans SET stopped_at = now(), command_pending = true "
      + "WHERE task_id = $1 AND stopped_at IS NULL RETURNING camera_id";
  static final String RUNNING_OF_TASK = "SELECT task_id, camera_id, camera_prefix FROM ingest.task_spans "
      + "WHERE task_id = $1 AND stopped_at IS NULL ORDER BY camera_id FOR UPDATE";
  static final String RUNNING_OF_TEMPLATE = "SELECT task_id, camera_id, camera_prefix FROM ingest.task_spans "
      + "WHERE template_id = $1 AND stopped_at IS NULL ORDER BY camera_id FOR UPDATE";
  static final String CLOSE_RUNNING = "UPDATE ingest.task_spans SET stopped_at = now() "
      + "WHERE camera_id = ANY($1::text[]) AND stopped_at IS NULL";
  static final String SET_TEMPLATE = "UPDATE ingest.record_tasks SET template_id = $2, updated_at = now() "
      + "WHERE task_id = $1";
  static final String TASKS = "SELECT task_id, template_id, state, created_at, updated_at, stopped_at "
      + "FROM ingest.record_tasks WHERE task_id = ANY($1::text[])";
  static final String PAGE = "SELECT task_id FROM ingest.record_tasks WHERE task_id > $1 "
      + "AND ($2::text IS NULL OR state = $2) ORDER BY task_id LIMIT $3";
  static final String CAMERAS = """
      SELECT DISTINCT ON (s.task_id, s.camera_id) s.task_id, s.camera_id, s.template_id, s.key_prefix,
             s.segment_seconds, s.started_at, s.stopped_at, s.command_pending, cs.online,
             (SELECT min(f.started_at) FROM ingest.task_spans f
              WHERE f.task_id = s.task_id AND f.camera_id = s.camera_id) AS since
      FROM ingest.task_spans s LEFT JOIN ingest.camera_status cs ON cs.camera_id = s.camera_id
      WHERE s.task_id = ANY($1::text[])
      ORDER BY s.task_id, s.camera_id, s.span_id DESC""";

  private final Pool pool;
  private final int defaultRetentionDays;

  TaskRepository(Pool pool, int defaultRetentionDays) {
    this.pool = pool;
    this.defaultRetentionDays = defaultRetentionDays;
  }

  /**
   * Starts a task for cameras with known registry prefixes: 404 unknown template, 409 when a camera already records
   * for a running task. A camera's retention becomes the template's where that is longer, never shorter.
   */
  Future<String> start(String templateId, Map<String, String> cameraPrefixes) {
    String taskId = Ids.next("task_");
    List<String> cameras = new ArrayList<>(cameraPrefixes.keySet());
    Collections.sort(cameras);
    return pool.withTransaction(conn -> TemplateRepository.lock(conn, templateId, false)
        .compose(tpl -> conn.preparedQuery(BUSY).execute(Tuple.of(cameras.toArray(new String[0])))
            .compose(busy -> {
              if (busy.size() > 0) {
                List<String> which = new ArrayList<>();
                busy.forEach(r -> which.add(r.getString("camera_id") + " (" + r.getString("task_id") + ")"));
                return Future.failedFuture(new ApiException(409, "camera_busy",
                    "camera(s) already recording for a running task: " + which));
              }
              return conn.preparedQuery(INSERT_TASK).execute(Tuple.of(taskId, templateId));
            })
            .compose(v -> openSpans(conn, tpl, cameras.stream().map(c -> new SpanKey(taskId, c,
                cameraPrefixes.get(c))).toList())))
        .map(taskId))
        .recover(TaskRepository::busyOnRace);
  }

  /** Stops a running task (a stopped one stays as it is); the cameras whose command changes, or 404. */
  Future<List<String>> stop(String taskId) {
    return pool.withTransaction(conn -> lockTask(conn, taskId)
        .compose(state -> conn.preparedQuery(STOP_TASK).execute(Tuple.of(taskId)))
        .compose(v -> conn.preparedQuery(STOP_SPANS).execute(Tuple.of(taskId)))
        .map(TaskRepository::cameraIds));
  }

  /** Switches a running task to another template (409 if stopped, 404 unknown task or template). */
  Future<List<String>> switchTemplate(String taskId, String templateId) {
    return pool.withTransaction(conn -> lockTask(conn, taskId)
        .compose(state -> {
          if (!"running".equals(state)) {
            return Future.failedFuture(new ApiException(409, "task_stopped", "task " + taskId + " is stopped"));
          }
          return TemplateRepository.lock(conn, templateId, false);
        })
        .compose(tpl -> conn.preparedQuery(SET_TEMPLATE).execute(Tuple.of(taskId, templateId))
            .compose(v -> conn.preparedQuery(RUNNING_OF_TASK).execute(Tuple.of(taskId)))
            .compose(rows -> respan(conn, tpl, rows))));
  }

  /** Moves the running spans that use {@code tpl} onto its (new) settings; returns their cameras. */
  Future<List<String>> switchRunningOf(SqlConnection conn, RecordTemplate tpl) {
    return conn.preparedQuery(RUNNING_OF_TEMPLATE).execute(Tuple.of(tpl.id())).compose(rows -> respan(conn, tpl, rows));
  }

  private record SpanKey(String taskId, String cameraId, String cameraPrefix) {}

  private Future<List<String>> respan(SqlConnection conn, RecordTemplate tpl, RowSet<Row> running) {
    List<SpanKey> keys = new ArrayList<>();
    for (Row r : running) keys.add(new SpanKey(r.getString(0), r.getString(1), r.getString(2)));
    if (keys.isEmpty()) return Future.succeededFuture(List.of());
    String[] cams = keys.stream().map(SpanKey::cameraId).toArray(String[]::new);
    return conn.preparedQuery(CLOSE_RUNNING).execute(Tuple.of(cams))
        .compose(v -> openSpans(conn, tpl, keys))
        .map(v -> List.of(cams));
  }

  private Future<Void> openSpans(SqlConnection conn, RecordTemplate tpl, List<SpanKey> keys) {
    String[] tasks = keys.stream().map(SpanKey::taskId).toArray(String[]::new);
    String[] cams = keys.stream().map(SpanKey::cameraId).toArray(String[]::new);
    String[] prefixes = keys.stream().map(SpanKey::cameraPrefix).toArray(String[]::new);
    String[] keyPrefixes = keys.stream().map(k -> PrefixPattern.resolve(tpl.prefixPattern(), k.cameraPrefix(),
        k.cameraId(), k.taskId(), tpl.id())).toArray(String[]::new);
    return conn.preparedQuery(INSERT_SPANS).execute(tpl.recording().addTo(Tuple.of(tpl.id(), tpl.segmentSeconds(),
            tpl.indexPeriodSeconds(), tasks, cams, prefixes).addArrayOfString(keyPrefixes).addString(tpl.container())))
        .compose(v -> conn.preparedQuery(RETENTION).execute(Tuple.of(cams, tpl.retentionDays(),
            defaultRetentionDays)))
        .mapEmpty();
  }

  private static Future<String> lockTask(SqlConnection conn, String taskId) {
    return conn.preparedQuery(LOCK_TASK).execute(Tuple.of(taskId)).map(rows -> {
      if (rows.size() == 0) throw unknown(taskId);
      return rows.iterator().next().getString(0);
    });
  }

  /** The tasks as JSON, in the given order (missing ids are left out). */
  Future<List<JsonObject>> describe(List<String> taskIds) {
    if (taskIds.isEmpty()) return Future.succeededFuture(List.of());
    Tuple ids = Tuple.of(taskIds.toArray(new String[0]));
    return pool.preparedQuery(TASKS).execute(ids).compose(tasks -> pool.preparedQuery(CAMERAS).execute(ids)
        .map(cams -> {
          Map<String, JsonObject> byId = new LinkedHashMap<>();
          for (Row t : tasks) byId.put(t.getString("task_id"), taskJson(t));
          for (Row c : cams) byId.get(c.getString("task_id")).getJsonArray("cameras").add(cameraJson(c));
          return taskIds.stream().filter(byId::containsKey).map(byId::get).toList();
        }));
  }

  Future<JsonObject> describe(String taskId) {
    return describe(List.of(taskId)).map(l -> {
      if (l.isEmpty()) throw unknown(taskId);
      return l.get(0);
    });
  }

  Future<List<String>> page(String after, String state, int limit) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(after, state, limit)).map(TaskRepository::firstColumn);
  }

  private static JsonObject taskJson(Row t) {
    return new JsonObject().put("id", t.getString("task_id")).put("templateId", t.getString("template_id"))
        .put("state", t.getString("state")).put("createdAt", millis(t.getOffsetDateTime("created_at")))
        .put("updatedAt", millis(t.getOffsetDateTime("updated_at")))
        .put("stoppedAt", millis(t.getOffsetDateTime("stopped_at"))).put("cameras", new JsonArray());
  }

  /** A task camera's state: running, offline (running, but its last status was offline) or stopped. */
  private static JsonObject cameraJson(Row c) {
    boolean stopped = c.getOffsetDateTime("stopped_at") != null;
    Boolean online = c.getBoolean("online");
    String state = stopped ? "stopped" : Boolean.FALSE.equals(online) ? "offline" : "running";
    return new JsonObject().put("cameraId", c.getString("camera_id")).put("state", state).put("online", online)
        .put("templateId", c.getString("template_id")).put("keyPrefix", c.getString("key_prefix"))
        .put("segmentSeconds", c.getInteger("segment_seconds")).put("since", millis(c.getOffsetDateTime("since")))
        .put("stoppedAt", millis(c.getOffsetDateTime("stopped_at")))
        .put("commandPending", c.getBoolean("command_pending"));
  }

  private static Long millis(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toEpochMilli();
  }

  private static List<String> cameraIds(RowSet<Row> rows) {
    return firstColumn(rows);
  }

  private static List<String> firstColumn(RowSet<Row> rows) {
    List<String> out = new ArrayList<>();
    for (Row r : rows) out.add(r.getString(0));
    return out;
  }

  /** Two starts for one camera at once: the unique index refuses the second (the check above did not see it). */
  private static Future<String> busyOnRace(Throwable e) {
    if (e instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())) {
      return Future.failedFuture(new ApiException(409, "camera_busy",
          "a camera is already recording for a running task"));
    }
    return Future.failedFuture(e);
  }

  static ApiException unknown(String taskId) {
    return new ApiException(404, "unknown_task", "no task " + taskId);
  }
}
