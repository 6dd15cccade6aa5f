package io.ipchls.ingest.control;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.MqttSubscriptions;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.infra.Await;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.CameraStatus;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.RecordingEvent;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecordTasksTest {
  private static Vertx vertx;
  private static ControlTestSupport api;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    api = new ControlTestSupport(new IngestTestSupport(v).start());
  }

  /** What a camera gets on its command topic when it subscribes now (the retained command). */
  private static CameraCommand commandSeenOnSubscribe(String cameraId) {
    LinkedBlockingQueue<CameraCommand> got = new LinkedBlockingQueue<>();
    MqttClient c = MqttClient.create(vertx, new MqttClientOptions().setClientId(cameraId).setUsername(cameraId)
        .setPassword("test").setCleanSession(true));
    c.publishHandler(m -> got.add(Json.decode(m.payload().getBytes(), CameraCommand.class)));
    await(c.connect(api.ingest.config.mqtt().port(), api.ingest.config.mqtt().host()));
    try {
      await(MqttSubscriptions.subscribeGranted(c, Topics.commands(cameraId), 1));
      CameraCommand cmd = got.poll(IngestTestSupport.TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (cmd == null) throw new AssertionError("no retained command for " + cameraId);
      return cmd;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    } finally {
      await(c.disconnect());
    }
  }

  private static CameraCommand awaitCommand(String cameraId, java.util.function.Predicate<CameraCommand> done) {
    return Await.until("retained command of " + cameraId, Duration.ofMillis(IngestTestSupport.TIMEOUT_MS),
        () -> commandSeenOnSubscribe(cameraId), done);
  }

  @Test
  void start_commandsEachCameraRetained_withTheTemplateSettings_insideItsPrefix() {
    String a = api.register("task-a", "tenant-1/{id}");
    String b = api.register("task-b", null);
    String tpl = api.createTemplate(ControlTestSupport.template("start"));
    JsonObject task = api.startTask(tpl, a, b);
    String taskId = task.getString("id");
    assertEquals("running", task.getString("state"));
    JsonArray cams = task.getJsonArray("cameras");
    assertEquals(2, cams.size());
    assertEquals("tenant-1/" + a + "/tasks/" + taskId, cams.getJsonObject(0).getString("keyPrefix"));
    assertEquals("running", cams.getJsonObject(0).getString("state"));

    // a camera that (re)connects later gets its task's command from the broker, ingest need not be asked
    CameraCommand cmd = awaitCommand(a, c -> c.taskId() != null);
    assertEquals(CameraCommand.startTask(taskId, 2, "tenant-1/" + a + "/tasks/" + taskId), cmd);
    assertEquals(CameraCommand.startTask(taskId, 2, b + "/tasks/" + taskId), awaitCommand(b, c -> c.taskId() != null));
    var retention = await(api.ingest.pool.preparedQuery("SELECT retention_days FROM ingest.camera_settings "
        + "WHERE camera_id = $1").execute(Tuple.of(a)));
    assertEquals(0, retention.size(), "a 3-day template leaves the camera on the 7-day default (TaskRetentionTest)");
    Await.until("command no longer pending", Duration.ofSeconds(10),
        () -> !api.ok(GET, "/record-tasks/" + taskId, null, 200).getJsonArray("cameras").getJsonObject(0)
            .getBoolean("commandPending"));
  }

  @Test
  void start_withAnEventOnlyTemplate_commandsTheModeRollsAndTier() {
    String cam = api.register("task-event", null);
    String tpl = api.createTemplate(ControlTestSupport.template("event-task").put("mode", "event")
        .put("preRollSeconds", 10).put("postRollSeconds", 20).put("tier", "infrequent"));
    String taskId = api.startTask(tpl, cam).getString("id");
    assertEquals(new CameraCommand(CameraCommand.VERSION, CameraCommand.START_RECORDING, 2, taskId,
            cam + "/tasks/" + taskId, null, "event", 10, 20, "infrequent", null),
        awaitCommand(cam, c -> c.taskId() != null));
  }

  @Test
  void start_withAnFmp4Template_commandsTheContainer() {
    String cam = api.register("task-fmp4", null);
    String tpl = api.createTemplate(ControlTestSupport.template("fmp4-task").put("container", "fmp4"));
    String taskId = api.startTask(tpl, cam).getString("id");
    assertEquals(CameraCommand.startTask(taskId, 2, cam + "/tasks/" + taskId, "fmp4"),
        awaitCommand(cam, c -> c.taskId() != null));
  }

  @Test
  void stop_publishesARetainedStop_andTheTaskShowsStopped() {
    String cam = api.register("task-stop", null);
    String taskId = api.startTask(api.createTemplate(ControlTestSupport.template("stop")), cam).getString("id");
    JsonObject stopped = api.ok(POST, "/record-tasks/" + taskId + "/stop", null, 200);
    assertEquals("stopped", stopped.getString("state"));
    assertEquals("stopped", stopped.getJsonArray("cameras").getJsonObject(0).getString("state"));
    assertEquals(CameraCommand.stopTask(taskId), awaitCommand(cam, c -> c.command().equals("stop-recording")));
    assertEquals("stopped", api.ok(POST, "/record-tasks/" + taskId + "/stop", null, 200).getString("state"),
        "stopping again changes nothing");
    // the camera is free for another task now
    api.startTask(api.createTemplate(ControlTestSupport.template("again")), cam);
  }

  @Test
  void update_switchesTheTemplate_andRecommandsTheCameras() {
    String cam = api.register("task-upd", null);
    String taskId = api.startTask(api.createTemplate(ControlTestSupport.template("before")), cam).getString("id");
    String next = api.createTemplate(ControlTestSupport.template("after").put("segmentSeconds", 5)
        .put("prefixPattern", "{prefix}/{template}"));
    JsonObject updated = api.ok(PUT, "/record-tasks/" + taskId, new JsonObject().put("templateId", next), 200);
    assertEquals(next, updated.getString("templateId"));
    assertEquals(cam + "/" + next, updated.getJsonArray("cameras").getJsonObject(0).getString("keyPrefix"));
    assertEquals(CameraCommand.startTask(taskId, 5, cam + "/" + next),
        awaitCommand(cam, c -> Integer.valueOf(5).equals(c.segmentSeconds())));

    // changing the template itself re-commands its running cameras too
    api.ok(PUT, "/record-templates/" + next, ControlTestSupport.template("after2").put("segmentSeconds", 7)
        .put("prefixPattern", "{prefix}/{template}"), 200);
    awaitCommand(cam, c -> Integer.valueOf(7).equals(c.segmentSeconds()));
    var spans = await(api.ingest.pool.preparedQuery("SELECT count(*) FROM ingest.task_spans WHERE task_id = $1")
        .execute(Tuple.of(taskId)));
    assertEquals(3, spans.iterator().next().getLong(0), "one span per template setting the camera recorded under");
  }

  @Test
  void update_ofAStoppedTask_is409() {
    String cam = api.register("task-upd-stopped", null);
    String tpl = api.createTemplate(ControlTestSupport.template("us"));
    String taskId = api.startTask(tpl, cam).getString("id");
    api.ok(POST, "/record-tasks/" + taskId + "/stop", null, 200);
    api.refused(PUT, "/record-tasks/" + taskId, new JsonObject().put("templateId", tpl), 409, "task_stopped");
  }

  @Test
  void start_unknownTemplate_is404() {
    String cam = api.register("task-notpl", null);
    api.refused(POST, "/record-tasks", new JsonObject().put("templateId", "tpl_0000000000000000")
        .put("cameraIds", new JsonArray().add(cam)), 404, "unknown_template");
  }

  @Test
  void start_unknownCamera_is404_andNothingStarts() {
    String known = api.register("task-known", null);
    String tpl = api.createTemplate(ControlTestSupport.template("nocam"));
    api.refused(POST, "/record-tasks", new JsonObject().put("templateId", tpl)
        .put("cameraIds", new JsonArray().add(known).add("never-registered-cam")), 404, "unknown_camera");
    api.startTask(tpl, known); // the known camera was not taken by the refused request
  }

  @Test
  void start_conflictingTask_is409() {
    String cam = api.register("task-busy", null);
    String other = api.register("task-free", null);
    String tpl = api.createTemplate(ControlTestSupport.template("busy"));
    api.startTask(tpl, cam);
    api.refused(POST, "/record-tasks", new JsonObject().put("templateId", tpl)
        .put("cameraIds", new JsonArray().add(other).add(cam)), 409, "camera_busy");
    api.startTask(tpl, other); // all or nothing: the refused task took no camera
  }

  @Test
  void start_malformedJson_orBadCameraList_is400() {
    api.refused(POST, "/record-tasks", "{\"templateId\"", 400, "bad_json");
    String tpl = api.createTemplate(ControlTestSupport.template("bad"));
    api.refused(POST, "/record-tasks", new JsonObject().put("templateId", tpl).put("cameraIds", new JsonArray()),
        400, "bad_camera_ids");
    api.refused(POST, "/record-tasks", new JsonObject().put("templateId", tpl)
        .put("cameraIds", new JsonArray().add("Bad Id")), 400, "bad_camera_ids");
    api.refused(POST, "/record-tasks", new JsonObject().put("templateId", "x")
        .put("cameraIds", new JsonArray().add("cam")), 400, "bad_template_id");
  }

  @Test
  void tasks_badPagingOrState_is400_andUnknownTask_is404() {
    api.refused(GET, "/record-tasks?limit=-1", null, 400, "bad_limit");
    api.refused(GET, "/record-tasks?after=tpl_0000000000000000", null, 400, "bad_after");
    api.refused(GET, "/record-tasks?state=paused", null, 400, "bad_state");
    api.refused(GET, "/record-tasks/task_0000000000000000", null, 404, "unknown_task");
    api.refused(POST, "/record-tasks/nonsense/stop", null, 404, "unknown_task");
  }

  @Test
  void cameraStatus_offlineAndOnline_areEventsAndShowInTheTask() {
    String cam = api.register("task-status", null);
    String tpl = api.createTemplate(ControlTestSupport.template("status"));
    String taskId = api.startTask(tpl, cam).getString("id");
    MqttClient c = MqttClient.create(vertx, new MqttClientOptions().setClientId(cam).setUsername(cam)
        .setPassword("test"));
    await(c.connect(api.ingest.config.mqtt().port(), api.ingest.config.mqtt().host()));
    try {
      publishStatus(c, cam, Json.encode(CameraStatus.offline())); // what the broker sends as the camera's will
      Await.until("camera offline in the task", Duration.ofMillis(IngestTestSupport.TIMEOUT_MS),
          () -> api.ok(GET, "/record-tasks/" + taskId, null, 200).getJsonArray("cameras").getJsonObject(0)
              .getString("state").equals("offline"));
      publishStatus(c, cam, Json.encode(CameraStatus.online(System.currentTimeMillis())));
      publishStatus(c, cam, Json.encode(CameraStatus.online(System.currentTimeMillis()))); // no change: no event
      publishStatus(c, cam, "{not json".getBytes());
      var events = api.awaitEvents(cam, e -> ControlTestSupport.count(e, RecordingEvent.CAMERA_ONLINE) >= 1);
      assertEquals(1, ControlTestSupport.count(events, RecordingEvent.CAMERA_OFFLINE));
      assertEquals(1, ControlTestSupport.count(events, RecordingEvent.CAMERA_ONLINE));
      RecordingEvent online = events.stream().filter(e -> e.type().equals(RecordingEvent.CAMERA_ONLINE)).findFirst()
          .orElseThrow();
      assertEquals(taskId, online.taskId());
      assertEquals(tpl, online.templateId());
      assertTrue(online.id().startsWith("evt_"));
      assertEquals("running", api.ok(GET, "/record-tasks/" + taskId, null, 200).getJsonArray("cameras")
          .getJsonObject(0).getString("state"));
      api.ingest.awaitMetric("camera_status_rejected_total", n -> n >= 1);
    } finally {
      await(c.disconnect());
    }
  }

  private static void publishStatus(MqttClient c, String cam, byte[] payload) {
    await(c.publish(Topics.status(cam), Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, true));
  }

  @Test
  void taskState_survivesARestart_anotherInstanceShowsIt() {
    String cam = api.register("task-restart", null);
    String taskId = api.startTask(api.createTemplate(ControlTestSupport.template("restart")), cam).getString("id");
    ControlTestSupport fresh = new ControlTestSupport(new IngestTestSupport(vertx).start());
    JsonObject seen = fresh.ok(GET, "/record-tasks/" + taskId, null, 200);
    assertEquals("running", seen.getString("state"));
    assertEquals(cam, seen.getJsonArray("cameras").getJsonObject(0).getString("cameraId"));
    JsonObject list = fresh.ok(GET, "/record-tasks?state=running&limit=100", null, 200);
    assertTrue(list.getJsonArray("tasks").size() >= 1);
  }
}
