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

  @Test
  void eventOnlyStart_andTrigger_roundTrip_andOldStartsStillDecode() {
    CameraCommand start = CameraCommand.startEventOnly(10, 20).withTier("infrequent");
    assertEquals(start, Json.decode(Json.encode(start), CameraCommand.class));
    assertEquals(List.of(), start.problems());
    assertEquals("{\"v\":1,\"command\":\"start-recording\",\"mode\":\"event\",\"preRollSeconds\":10,"
        + "\"postRollSeconds\":20,\"tier\":\"infrequent\"}", Json.encodeToString(start));
    CameraCommand trigger = CameraCommand.trigger("motion-1");
    assertEquals("{\"v\":1,\"command\":\"trigger\",\"eventId\":\"motion-1\"}", Json.encodeToString(trigger));
    assertEquals(List.of(), trigger.problems());
    assertEquals(List.of(), decode("{\"v\":1,\"command\":\"trigger\"}").problems());
  }

  @Test
  void start_withUnknownMode_isAProblem() {
    assertEquals(List.of("mode must be \"continuous\" or \"event\""),
        decode("{\"v\":1,\"command\":\"start-recording\",\"mode\":\"motion\"}").problems());
  }

  @Test
  void start_withPreRollOutsideZeroToSixty_isAProblem() {
    assertEquals(List.of("preRollSeconds must be 0..60"),
        decode("{\"v\":1,\"command\":\"start-recording\",\"preRollSeconds\":61}").problems());
  }

  @Test
  void start_withPostRollOutsideOneTo600_isAProblem() {
    assertEquals(List.of("postRollSeconds must be 1..600"),
        decode("{\"v\":1,\"command\":\"start-recording\",\"postRollSeconds\":0}").problems());
  }

  @Test
  void start_withUnknownTier_isAProblem() {
    assertEquals(List.of("tier must be standard|infrequent|archive"),
        decode("{\"v\":1,\"command\":\"start-recording\",\"tier\":\"glacier\"}").problems());
  }

  @Test
  void trigger_withSettings_isAProblem() {
    assertEquals(List.of("trigger takes only eventId"),
        decode("{\"v\":1,\"command\":\"trigger\",\"segmentSeconds\":3}").problems());
  }

  @Test
  void trigger_withBadEventId_isAProblem() {
    assertTrue(decode("{\"v\":1,\"command\":\"trigger\",\"eventId\":\"a b\"}").problems().get(0)
        .startsWith("eventId must match"));
  }

  @Test
  void eventId_onAnotherCommand_isAProblem() {
    assertEquals(List.of("only a trigger carries an eventId"),
        decode("{\"v\":1,\"command\":\"stop-recording\",\"eventId\":\"m1\"}").problems());
  }
}
