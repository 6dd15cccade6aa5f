package io.ipchls.ingest.callbacks;

import java.util.List;
import java.util.Set;

/** The event types of {@code ingest.recording_events} (V7's CHECK), the only names webhooks may subscribe to. */
public final class EventTypes {
  public static final List<String> ALL = List.of("recording.started", "recording.stopped", "index.ready",
      "camera.online", "camera.offline");
  private static final Set<String> SET = Set.copyOf(ALL);

  private EventTypes() {}

  public static boolean isKnown(String type) {
    return type != null && SET.contains(type);
  }
}
