package io.ipchls.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code cameras/{id}/commands}: what a service asks a camera to do. {@code command} is one of
 * {@value #START_RECORDING}, {@value #STOP_RECORDING}, {@value #CONFIGURE} or {@value #TRIGGER}; a configure command carries the new
 * {@code segmentSeconds} (1..60).
 *
 * <p>A start command of a record task (recording control) also carries the task's settings, each optional so older
 * senders stay valid: {@code taskId} (for logs), {@code segmentSeconds} (1..60, from the open segment on) and
 * {@code keyPrefix}, where the camera writes its segments from now on: a clean key prefix that must lie inside the
 * prefix of the camera's storage credentials (the camera checks, and keeps its credential prefix otherwise), and
 * {@code container} ({@value SegmentNotification#CONTAINER_TS} or {@value SegmentNotification#CONTAINER_FMP4}), the
 * segment format from the next key frame on (absent: the camera keeps its own; older cameras ignore it). Record
 * tasks publish their commands retained, so a camera gets its current task's command on every (re)subscribe.
 *
 * <p>A start command may also set the recording mode, each field optional (absent: the camera keeps its own; older
 * cameras ignore them): {@code mode} ({@value #MODE_CONTINUOUS} or {@value #MODE_EVENT}: upload only around events,
 * for metered links), {@code preRollSeconds} (0..{@value #MAX_PRE_ROLL_SECONDS}, kept before an event) and
 * {@code postRollSeconds} (1..{@value #MAX_POST_ROLL_SECONDS}, recorded after the last trigger), and the storage
 * plan {@code tier} ({@link StorageTier}).
 *
 * <p>{@value #TRIGGER} starts (or extends) an event clip on a camera in event mode; it may carry an {@code eventId}
 * (the {@link CameraEvent#ID} grammar, for logs) and nothing else. It is never published retained: a retained
 * trigger would fire again on every reconnect, so cameras refuse one.
 */
public record CameraCommand(int v, String command, Integer segmentSeconds, String taskId, String keyPrefix,
    String container, String mode, Integer preRollSeconds, Integer postRollSeconds, String tier, String eventId) {
  public static final int VERSION = 1;
  public static final String START_RECORDING = "start-recording";
  public static final String STOP_RECORDING = "stop-recording";
  public static final String CONFIGURE = "configure";
  public static final String TRIGGER = "trigger";
  public static final String MODE_CONTINUOUS = "continuous";
  public static final String MODE_EVENT = "event";
  public static final int MAX_PRE_ROLL_SECONDS = 60;
  public static final int MAX_POST_ROLL_SECONDS = 600;
  /** Task ids: letters, digits, '_' and '-', at most 64. */
  private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** A command without recording mode, tier or event (the form before event-only recording). */
  public CameraCommand(int v, String command, Integer segmentSeconds, String taskId, String keyPrefix,
      String container) {
    this(v, command, segmentSeconds, taskId, keyPrefix, container, null, null, null, null, null);
  }

  /** A command without a container (the form before containers were chosen by the cloud). */
  public CameraCommand(int v, String command, Integer segmentSeconds, String taskId, String keyPrefix) {
    this(v, command, segmentSeconds, taskId, keyPrefix, null);
  }

  public static CameraCommand startRecording() {
    return new CameraCommand(VERSION, START_RECORDING, null, null, null);
  }

  /** A record task's start: record, with this segment length, under this key prefix. */
  public static CameraCommand startTask(String taskId, int segmentSeconds, String keyPrefix) {
    return new CameraCommand(VERSION, START_RECORDING, segmentSeconds, taskId, keyPrefix);
  }

  /** A record task's start that also names the segment format ({@code ts} or {@code fmp4}; null: the camera's own). */
  public static CameraCommand startTask(String taskId, int segmentSeconds, String keyPrefix, String container) {
    return new CameraCommand(VERSION, START_RECORDING, segmentSeconds, taskId, keyPrefix, container);
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

  /** Starts recording in event mode: upload only from {@code preRollSeconds} before a trigger to after it. */
  public static CameraCommand startEventOnly(int preRollSeconds, int postRollSeconds) {
    return new CameraCommand(VERSION, START_RECORDING, null, null, null, null, MODE_EVENT, preRollSeconds,
        postRollSeconds, null, null);
  }

  /** This command with the storage plan {@code tier} ({@link StorageTier#wireName()}). */
  public CameraCommand withTier(String tier) {
    return new CameraCommand(v, command, segmentSeconds, taskId, keyPrefix, container, mode, preRollSeconds,
        postRollSeconds, tier, eventId);
  }

  /** An event trigger, not retained; {@code eventId} may be null. */
  public static CameraCommand trigger(String eventId) {
    return new CameraCommand(VERSION, TRIGGER, null, null, null, null, null, null, null, null, eventId);
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
      if (container != null && !SegmentNotification.CONTAINER_TS.equals(container)
          && !SegmentNotification.CONTAINER_FMP4.equals(container)) {
        p.add("container must be \"" + SegmentNotification.CONTAINER_TS + "\" or \""
            + SegmentNotification.CONTAINER_FMP4 + "\"");
      }
      recordingModeProblems(p);
    } else if (command.equals(TRIGGER)) {
      if (segmentSeconds != null || keyPrefix != null || container != null || mode != null || preRollSeconds != null
          || postRollSeconds != null || tier != null || taskId != null) {
        p.add("trigger takes only eventId");
      }
      if (eventId != null && !CameraEvent.ID.matcher(eventId).matches()) {
        p.add("eventId must match " + CameraEvent.ID.pattern());
      }
    } else if (!command.equals(STOP_RECORDING)) {
      p.add("unknown command " + CameraIds.abbreviate(command));
    }
    if (taskId != null && !TASK_ID.matcher(taskId).matches()) p.add("taskId must match " + TASK_ID.pattern());
    if (eventId != null && !TRIGGER.equals(command)) p.add("only a trigger carries an eventId");
    return p;
  }

  private void recordingModeProblems(List<String> p) {
    if (mode != null && !MODE_CONTINUOUS.equals(mode) && !MODE_EVENT.equals(mode)) {
      p.add("mode must be \"" + MODE_CONTINUOUS + "\" or \"" + MODE_EVENT + "\"");
    }
    if (preRollSeconds != null && (preRollSeconds < 0 || preRollSeconds > MAX_PRE_ROLL_SECONDS)) {
      p.add("preRollSeconds must be 0.." + MAX_PRE_ROLL_SECONDS);
    }
    if (postRollSeconds != null && (postRollSeconds < 1 || postRollSeconds > MAX_POST_ROLL_SECONDS)) {
      p.add("postRollSeconds must be 1.." + MAX_POST_ROLL_SECONDS);
    }
    if (tier != null && StorageTier.fromWireName(tier).isEmpty()) p.add("tier must be " + StorageTier.wireNames());
  }
}
