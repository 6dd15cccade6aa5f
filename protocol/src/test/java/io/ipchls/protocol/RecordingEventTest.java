package io.ipchls.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecordingEventTest {
  @Test
  void recordingStopped_jsonHasTheRecordingFields() {
    RecordingEvent e = RecordingEvent.recording("evt_1", RecordingEvent.RECORDING_STOPPED, "cam-1", "task_1",
        "tpl_1", /* time= */ 5000, /* recordingId= */ 42, /* start= */ 1000, /* end= */ 4000, /* bytes= */ 1234,
        /* segmentCount= */ 1, "/replay.m3u8?camera_id=cam-1", RecordingEvent.REASON_TASK_STOPPED);
    assertEquals("{\"v\":1,\"id\":\"evt_1\",\"type\":\"recording.stopped\",\"cameraId\":\"cam-1\",\"taskId\":\"task_1\","
        + "\"templateId\":\"tpl_1\",\"time\":5000,\"recordingId\":42,\"start\":1000,\"end\":4000,\"durationMs\":3000,"
        + "\"bytes\":1234,\"segmentCount\":1,\"playlistUrl\":\"/replay.m3u8?camera_id=cam-1\","
        + "\"reason\":\"task_stopped\"}", Json.encodeToString(e));
    assertEquals(e, Json.decode(Json.encode(e), RecordingEvent.class));
  }

  @Test
  void indexReady_andCameraState_omitWhatTheyDoNotHave() {
    RecordingEvent index = RecordingEvent.indexReady("evt_2", "cam-1", "task_1", "tpl_1", /* time= */ 9000,
        "ipchls", "cam-1/index/x.m3u8", /* periodStart= */ 0, /* periodEnd= */ 60000, /* segmentCount= */ 20,
        /* durationMs= */ 59000, /* bytes= */ 99);
    assertEquals("{\"v\":1,\"id\":\"evt_2\",\"type\":\"index.ready\",\"cameraId\":\"cam-1\",\"taskId\":\"task_1\","
        + "\"templateId\":\"tpl_1\",\"time\":9000,\"durationMs\":59000,\"bytes\":99,\"segmentCount\":20,"
        + "\"bucket\":\"ipchls\",\"indexKey\":\"cam-1/index/x.m3u8\",\"periodStart\":0,\"periodEnd\":60000}",
        Json.encodeToString(index));
    assertEquals("{\"v\":1,\"id\":\"evt_3\",\"type\":\"camera.offline\",\"cameraId\":\"cam-1\",\"time\":7}",
        Json.encodeToString(
            RecordingEvent.cameraState("evt_3", /* online= */ false, "cam-1", null, null, /* time= */ 7)));
  }
}
