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
}
