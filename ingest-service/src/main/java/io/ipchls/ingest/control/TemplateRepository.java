package io.ipchls.ingest.control;

import io.ipchls.ingest.shared.Ids;
import io.ipchls.ingest.control.ControlRequests.TemplateBody;
import io.ipchls.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code ingest.record_templates}: insert, read, page, replace (re-recording running tasks), delete. */
final class TemplateRepository {
  static final String COLUMNS = "template_id, name, segment_seconds, retention_days, index_period_seconds, "
      + "prefix_pattern, callbacks, created_at, updated_at, container, " + TemplateRecording.COLUMNS;
  static final String INSERT = "INSERT INTO ingest.record_templates (template_id, name, segment_seconds, "
      + "retention_days, index_period_seconds, prefix_pattern, callbacks, container, " + TemplateRecording.COLUMNS
      + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
      + "RETURNING " + COLUMNS;
  static final String FIND = "SELECT " + COLUMNS + " FROM ingest.record_templates WHERE template_id = $1";
  static final String LOCK_SHARE = FIND + " FOR SHARE";
  static final String LOCK_UPDATE = FIND + " FOR UPDATE";
  static final String PAGE = "SELECT " + COLUMNS + " FROM ingest.record_templates WHERE template_id > $1 "
      + "ORDER BY template_id LIMIT $2";
  static final String REPLACE = "UPDATE ingest.record_templates SET name = $2, segment_seconds = $3, "
      + "retention_days = $4, index_period_seconds = $5, prefix_pattern = $6, callbacks = $7, container = $8, "
      + "mode = $9, pre_roll_seconds = $10, post_roll_seconds = $11, tier = $12, updated_at = now() "
      + "WHERE template_id = $1 RETURNING " + COLUMNS;
  static final String IN_USE = "SELECT DISTINCT task_id FROM ingest.task_spans WHERE template_id = $1 "
      + "AND stopped_at IS NULL LIMIT 5";
  static final String DELETE = "DELETE FROM ingest.record_templates WHERE template_id = $1";
  static final String WEBHOOKS = "SELECT webhook_id FROM ingest.webhooks WHERE webhook_id = ANY($1::text[])";

  private final Pool pool;

  TemplateRepository(Pool pool) {
    this.pool = pool;
  }

  Future<RecordTemplate> insert(TemplateBody t) {
    return webhooksExist(pool, t.webhooks())
        .compose(v -> pool.preparedQuery(INSERT).execute(t.recording().addTo(Tuple.of(Ids.next("tpl_"), t.name(),
            t.segmentSeconds(), t.retentionDays(), t.indexPeriodSeconds(), t.prefixPattern()).addValue(callbacks(t))
            .addString(t.container()))))
        .map(rows -> RecordTemplate.from(rows.iterator().next()))
        .recover(e -> Future.failedFuture(nameTaken(e, t.name())));
  }

  Future<Optional<RecordTemplate>> find(String id) {
    return find(pool, id, FIND);
  }

  /** The template locked in {@code conn}'s transaction ({@code FOR SHARE} or {@code FOR UPDATE}); 404 if none. */
  static Future<RecordTemplate> lock(SqlConnection conn, String id, boolean forUpdate) {
    return find(conn, id, forUpdate ? LOCK_UPDATE : LOCK_SHARE)
        .map(t -> t.orElseThrow(() -> unknown(id)));
  }

  private static Future<Optional<RecordTemplate>> find(SqlClient c, String id, String sql) {
    return c.preparedQuery(sql).execute(Tuple.of(id)).map(rows -> rows.size() == 0
        ? Optional.empty() : Optional.of(RecordTemplate.from(rows.iterator().next())));
  }

  Future<List<RecordTemplate>> page(String after, int limit) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(after, limit)).map(rows -> {
      List<RecordTemplate> out = new ArrayList<>();
      for (Row r : rows) out.add(RecordTemplate.from(r));
      return out;
    });
  }

  /**
   * Replaces the settings; the running task cameras that use the template switch to the new settings (new spans)
   * in the same transaction. Returns the template and the cameras to re-command.
   */
  Future<Replaced> replace(String id, TemplateBody t, TaskRepository tasks) {
    return webhooksExist(pool, t.webhooks()).compose(v -> pool.withTransaction(conn -> lock(conn, id, true)
        .compose(old -> conn.preparedQuery(REPLACE).execute(t.recording().addTo(Tuple.of(id, t.name(),
            t.segmentSeconds(), t.retentionDays(), t.indexPeriodSeconds(), t.prefixPattern()).addValue(callbacks(t))
            .addString(t.container()))))
        .map(rows -> RecordTemplate.from(rows.iterator().next()))
        .compose(tpl -> tasks.switchRunningOf(conn, tpl).map(cams -> new Replaced(tpl, cams)))))
        .recover(e -> Future.failedFuture(nameTaken(e, t.name())));
  }

  record Replaced(RecordTemplate template, List<String> cameras) {}

  /** Deletes the template unless a running task uses it (409). */
  Future<Void> delete(String id) {
    return pool.withTransaction(conn -> lock(conn, id, true)
        // a new statement after the lock: it sees spans of task starts that committed while we waited for it
        .compose(t -> conn.preparedQuery(IN_USE).execute(Tuple.of(id)))
        .compose(rows -> {
          if (rows.size() > 0) {
            List<String> tasks = new ArrayList<>();
            rows.forEach(r -> tasks.add(r.getString(0)));
            return Future.failedFuture(new ApiException(409, "template_in_use",
                "template " + id + " is used by running task(s) " + tasks));
          }
          return conn.preparedQuery(DELETE).execute(Tuple.of(id)).mapEmpty();
        }));
  }

  private static Future<Void> webhooksExist(SqlClient c, List<String> ids) {
    if (ids.isEmpty()) return Future.succeededFuture();
    return c.preparedQuery(WEBHOOKS).execute(Tuple.of(ids.toArray(new String[0]))).compose(rows -> {
      List<String> missing = new ArrayList<>(ids);
      rows.forEach(r -> missing.remove(r.getString(0)));
      return missing.isEmpty() ? Future.succeededFuture()
          : Future.failedFuture(new ApiException(404, "unknown_webhook", "no such webhook(s): " + missing));
    });
  }

  private static JsonObject callbacks(TemplateBody t) {
    // only the callbacks matter here: the other fields are placeholders
    return new RecordTemplate(null, null, /* segmentSeconds= */ 0, /* retentionDays= */ 0, /* indexPeriodSeconds= */ 0,
        null, t.events(), t.webhooks(), null, null, null, TemplateRecording.NONE).callbacksJson();
  }

  private static Throwable nameTaken(Throwable e, String name) {
    if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return new ApiException(409, "name_taken", "a template named '" + name + "' exists");
    }
    return e;
  }

  static ApiException unknown(String id) {
    return new ApiException(404, "unknown_template", "no template " + id);
  }
}
