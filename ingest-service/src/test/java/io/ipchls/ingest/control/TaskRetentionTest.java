package io.ipchls.ingest.control;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.retention.RetentionConfig;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record task never shortens a camera's retention: a template with a longer {@code retentionDays} raises the
 * camera's, a shorter one leaves the camera's own or the service's default (7 days here) as it was; the same when a
 * template of running tasks is changed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TaskRetentionTest {
  private static final int DEFAULT_DAYS = RetentionConfig.RETENTION_DAYS.defaultValue();
  private static ControlTestSupport api;

  @BeforeAll
  static void start(Vertx v) {
    api = new ControlTestSupport(new IngestTestSupport(v).start());
  }

  @Test
  void start_templateShorterThanTheCamerasOwn_keepsTheCamerasRetention() {
    String cam = api.register("ret-own", null);
    setRetention(cam, 30);
    api.startTask(api.createTemplate(ControlTestSupport.template("short").put("retentionDays", 3)), cam);
    assertEquals(30, retentionOf(cam), "a 3-day template does not cut a 30-day camera");
  }

  @Test
  void start_templateShorterThanTheDefault_leavesTheCameraOnTheDefault() {
    String cam = api.register("ret-dflt", null);
    api.startTask(api.createTemplate(ControlTestSupport.template("short")
        .put("retentionDays", DEFAULT_DAYS - 1)), cam);
    assertNull(retentionOf(cam), "no own retention: the default (" + DEFAULT_DAYS + " days) still applies");
  }

  @Test
  void start_templateLongerThanTheCamerasOwn_raisesIt() {
    String cam = api.register("ret-raise", null);
    setRetention(cam, 2);
    api.startTask(api.createTemplate(ControlTestSupport.template("long").put("retentionDays", 30)), cam);
    assertEquals(30, retentionOf(cam));
  }

  @Test
  void start_templateLongerThanTheDefault_givesTheCameraItsRetention() {
    String cam = api.register("ret-new", null);
    api.startTask(api.createTemplate(ControlTestSupport.template("long")
        .put("retentionDays", DEFAULT_DAYS + 1)), cam);
    assertEquals(DEFAULT_DAYS + 1, retentionOf(cam));
  }

  @Test
  void templateChange_toShorterRetention_keepsTheRunningCamerasRetention() {
    String cam = api.register("ret-edit", null);
    var body = ControlTestSupport.template("edit").put("retentionDays", 30);
    String tpl = api.createTemplate(body);
    api.startTask(tpl, cam);
    api.ok(PUT, "/record-templates/" + tpl, body.copy().put("retentionDays", 1), 200);
    assertEquals(30, retentionOf(cam), "editing the template down does not cut the camera's retention");
  }

  private static void setRetention(String camera, int days) {
    await(api.ingest.pool.preparedQuery("INSERT INTO ingest.camera_settings (camera_id, retention_days) "
        + "VALUES ($1, $2)").execute(Tuple.of(camera, days)));
  }

  private static Integer retentionOf(String camera) {
    var rows = await(api.ingest.pool.preparedQuery("SELECT retention_days FROM ingest.camera_settings "
        + "WHERE camera_id = $1").execute(Tuple.of(camera)));
    return rows.size() == 0 ? null : rows.iterator().next().getInteger(0);
  }
}
