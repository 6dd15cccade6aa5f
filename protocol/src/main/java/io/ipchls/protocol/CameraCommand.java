package io.ipchls.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code cameras/{id}/commands}: what a service asks a camera to do. {@code command} is one of
 * {@value #START_RECORDING}, {@value #STOP_RECORDING} or {@value #CONFIGURE}; a configure command carries the new
 * {@code segmentSeconds} (1..60).
 *
 * <p>A start command of a record task (recording control) also carries the task's settings, each optional so older
 * senders stay valid: {@code taskId} (for logs), {@code segmentSeconds} (1..60, from the open segment on) and
 * {@code keyPrefix}, where the camera writes its segments from now on: a clean key prefix that must lie inside the
 * prefix of the camera's storage credentials (the camera checks, and keeps its credential prefix otherwise). Record
 * tasks publish their commands retained, so a camera gets its current task's command on every (re)subscribe.
 */
public record CameraCommand(int v, String command, Integer segmentSeconds, String taskId, String keyPrefix) {
  public static final int VERSION = 1;
  public static final String START_RECORDING = "start-recording";
  public static final String STOP_RECORDING = "stop-recording";
  public static final String CONFIGURE = "configure";
  /** Task ids: letters, digits, '_' and '-', at most 64. */
  private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public static CameraCommand startRecording() {
    return new CameraCommand(VERSION, START_RECORDING, null, null, null);
  }

  /** A record task's start: record, with this segment length, under this key prefix. */
  public static CameraCommand startTask(String taskId, int segmentSeconds, String keyPrefix) {
    return new CameraCommand(VERSION, START_RECORDING, segmentSeconds, taskId, keyPrefix);
  }

  public static CameraCommand stopRecording() {
    return new CameraCommand(VERSION, STOP_RECORDING, null, null, null);
  }

  /** A record task's stop. */
  public static CameraCommand stopTask(String taskId) {
    return new CameraCommand(VERSION, STOP_RECORDING, null, taskId, null);
  }

  public static CameraCommand configure(int segmentSeconds) {
    return new CameraCommand(VERSION, CONFIGURE, segmentSeconds, null, null);
  }

  /** Contract checks; the empty list means valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (v != VERSION) p.add("unsupported schema version v=" + v);
    if (command == null) {
      p.add("command is missing");
    } else if (command.equals(CONFIGURE)) {
      if (segmentSeconds == null || segmentSeconds < 1 || segmentSeconds > 60) p.add("segmentSeconds must be 1..60");
    } else if (command.equals(START_RECORDING)) {
      if (segmentSeconds != null && (segmentSeconds < 1 || segmentSeconds > 60)) p.add("segmentSeconds must be 1..60");
      if (keyPrefix != null && ObjectKeys.normalize(keyPrefix).isEmpty()) p.add("keyPrefix is not a clean key prefix");
    } else if (!command.equals(STOP_RECORDING)) {
      p.add("unknown command " + CameraIds.abbreviate(command));
    }
    if (taskId != null && !TASK_ID.matcher(taskId).matches()) p.add("taskId must match " + TASK_ID.pattern());
    return p;
  }
}
