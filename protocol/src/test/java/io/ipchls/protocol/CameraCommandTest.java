package io.ipchls.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CameraCommandTest {
  private static CameraCommand decode(String json) {
    return Json.decode(json.getBytes(StandardCharsets.UTF_8), CameraCommand.class);
  }

  @Test
  void validCommands_roundTrip_withoutProblems() {
    for (CameraCommand c : List.of(CameraCommand.startRecording(), CameraCommand.stopRecording(),
        CameraCommand.configure(10))) {
      assertEquals(c, Json.decode(Json.encode(c), CameraCommand.class));
      assertEquals(List.of(), c.problems());
    }
    assertEquals("{\"v\":1,\"command\":\"stop-recording\"}", Json.encodeToString(CameraCommand.stopRecording()));
  }

  @Test
  void configure_segmentSecondsOutsideOneToSixty_isAProblem() {
    assertEquals(List.of("segmentSeconds must be 1..60"), decode("{\"v\":1,\"command\":\"configure\"}").problems());
    assertEquals(List.of("segmentSeconds must be 1..60"),
        decode("{\"v\":1,\"command\":\"configure\",\"segmentSeconds\":61}").problems());
  }

  @Test
  void unknownCommand_isAProblem() {
    assertTrue(decode("{\"v\":1,\"command\":\"reboot\"}").problems().get(0).startsWith("unknown command"));
  }

  @Test
  void otherVersion_orMissingCommand_isAProblem() {
    assertEquals(List.of("unsupported schema version v=2"), decode("{\"v\":2,\"command\":\"stop-recording\"}").problems());
    assertEquals(List.of("command is missing"), decode("{\"v\":1}").problems());
  }

  @Test
  void taskStart_carriesItsSettings_andOldCommandsStillDecode() {
    CameraCommand start = CameraCommand.startTask("task_1a2b", 6, "cam-1/tasks/task_1a2b");
    assertEquals(start, Json.decode(Json.encode(start), CameraCommand.class));
    assertEquals(List.of(), start.problems());
    assertEquals("{\"v\":1,\"command\":\"start-recording\",\"segmentSeconds\":6,\"taskId\":\"task_1a2b\","
        + "\"keyPrefix\":\"cam-1/tasks/task_1a2b\"}", Json.encodeToString(start));
    assertEquals(CameraCommand.startRecording(), decode("{\"v\":1,\"command\":\"start-recording\"}"));
  }

  @Test
  void taskStart_withUncleanPrefixOrBadSegmentLength_isAProblem() {
    assertEquals(List.of("keyPrefix is not a clean key prefix"),
        decode("{\"v\":1,\"command\":\"start-recording\",\"keyPrefix\":\"cam-1/../cam-2\"}").problems());
    assertEquals(List.of("segmentSeconds must be 1..60"),
        decode("{\"v\":1,\"command\":\"start-recording\",\"segmentSeconds\":0}").problems());
    assertTrue(decode("{\"v\":1,\"command\":\"stop-recording\",\"taskId\":\"a b\"}").problems().get(0)
        .startsWith("taskId must match"));
  }

  @Test
  void taskStart_withAContainer_roundTrips() {
    CameraCommand start = CameraCommand.startTask("task_1a2b", 3, "cam-1", "fmp4");
    assertEquals(start, Json.decode(Json.encode(start), CameraCommand.class));
    assertEquals(List.of(), start.problems());
    assertEquals("{\"v\":1,\"command\":\"start-recording\",\"segmentSeconds\":3,\"taskId\":\"task_1a2b\","
        + "\"keyPrefix\":\"cam-1\",\"container\":\"fmp4\"}", Json.encodeToString(start));
  }

  @Test
  void taskStart_withAnUnknownContainer_isAProblem() {
    assertEquals(List.of("container must be \"ts\" or \"fmp4\""),
        decode("{\"v\":1,\"command\":\"start-recording\",\"container\":\"mkv\"}").problems());
  }
}
