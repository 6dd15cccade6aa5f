package io.ipchls.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code cameras/{id}/commands}: what a service asks a camera to do. {@code command} is one of
 * {@value #START_RECORDING}, {@value #STOP_RECORDING} or {@value #CONFIGURE}; a configure command carries the new
 * {@code segmentSeconds} (1..60).
 */
public record CameraCommand(int v, String command, Integer segmentSeconds) {
  public static final int VERSION = 1;
  public static final String START_RECORDING = "start-recording";
  public static final String STOP_RECORDING = "stop-recording";
  public static final String CONFIGURE = "configure";

  public static CameraCommand startRecording() {
    return new CameraCommand(VERSION, START_RECORDING, null);
  }

  public static CameraCommand stopRecording() {
    return new CameraCommand(VERSION, STOP_RECORDING, null);
  }

  public static CameraCommand configure(int segmentSeconds) {
    return new CameraCommand(VERSION, CONFIGURE, segmentSeconds);
  }

  /** Contract checks; the empty list means valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (v != VERSION) p.add("unsupported schema version v=" + v);
    if (command == null) {
      p.add("command is missing");
    } else if (command.equals(CONFIGURE)) {
      if (segmentSeconds == null || segmentSeconds < 1 || segmentSeconds > 60) p.add("segmentSeconds must be 1..60");
    } else if (!command.equals(START_RECORDING) && !command.equals(STOP_RECORDING)) {
      p.add("unknown command " + CameraIds.abbreviate(command));
    }
    return p;
  }
}
