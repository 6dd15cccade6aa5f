package io.ipchls.ingest.events;

import io.ipchls.protocol.CameraEvent;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.ProtocolException;
import java.util.List;

/**
 * The checks on an event that need no I/O, the same for MQTT and HTTP: payload (size, UTF-8, strict JSON types), the
 * grammar and range of every field ({@link CameraEvent#problems()}) and the allowed skew ahead of server time (as for
 * segment notifications: a camera clock far ahead would put markers where nothing is recorded yet).
 */
public final class EventCheck {
  private final long maxFutureSkewMs;

  public EventCheck(int maxFutureSkewSeconds) {
    this.maxFutureSkewMs = maxFutureSkewSeconds * 1000L;
  }

  /** The outcome: exactly one of {@link Accepted} or {@link Rejection}. */
  public sealed interface Result permits Accepted, Rejection {}

  public record Accepted(CameraEvent event) implements Result {}

  /**
   * Why an event was refused: {@code reason} a short stable code (the metric tag, the HTTP error code),
   * {@code detail} a text for logs and the sender; {@code id} is the event's id as sent, null when there was none.
   */
  public record Rejection(String id, String reason, String detail) implements Result {
    /** {@code <code>: <detail>}, as sent back in {@code EventRejected.reason}. */
    public String message() {
      return reason + ": " + detail;
    }
  }

  public Result check(byte[] payload, long nowMs) {
    CameraEvent e;
    try {
      e = Json.decodeStrict(payload, CameraEvent.class);
    } catch (ProtocolException ex) {
      return new Rejection(null, "malformed", ex.getMessage());
    }
    List<String> problems = e.problems();
    if (!problems.isEmpty()) return new Rejection(e.id(), e.problemCode(), String.join("; ", problems));
    if (e.start() > nowMs + maxFutureSkewMs) {
      return new Rejection(e.id(), "too_far_in_future",
          "start is " + (e.start() - nowMs) + " ms ahead of server time (max " + maxFutureSkewMs + ")");
    }
    return new Accepted(e);
  }
}
