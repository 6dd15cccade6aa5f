package io.ipchls.ingest.indexing;

import io.ipchls.protocol.Json;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.ProtocolException;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.Topics;
import java.util.List;

/**
 * The checks on a segment notification that need no I/O: topic (camera id grammar), payload (size, UTF-8, strict
 * JSON types), the grammar and range of every field ({@link SegmentNotification#problems()}) and the allowed skew
 * ahead of server time. The checks that need the
 * camera's settings or the bucket (storage prefix, retention window, object existence) are {@link BatchCheck}'s.
 */
public final class NotificationCheck {
  private final long maxFutureSkewMs;

  public NotificationCheck(int maxFutureSkewSeconds) {
    this.maxFutureSkewMs = maxFutureSkewSeconds * 1000L;
  }

  /** The outcome: exactly one of {@link Accepted} or {@link Rejection}. */
  public sealed interface Result permits Accepted, Rejection {}

  public record Accepted(String cameraId, SegmentNotification notification) implements Result {}

  /**
   * Why a notification was refused. {@code reason} is a short stable code (also the metric tag), {@code detail} a
   * text for logs and for the camera. {@code cameraId} is null when the topic carried no valid id, {@code key} when
   * the payload had none.
   */
  public record Rejection(String cameraId, String key, String reason, String detail) implements Result {
    /** The text sent back in {@code SegmentRejected.reason}: {@code <code>: <detail>}. */
    public String message() {
      return reason + ": " + detail;
    }
  }

  public Result check(String topic, byte[] payload, long nowMs) {
    var parsed = Topics.parse(topic).filter(t -> t.kind() == Topics.Kind.SEGMENTS);
    if (parsed.isEmpty()) return new Rejection(null, null, "bad_topic", "not a segments topic: " + topic);
    String cameraId = parsed.get().cameraId();
    SegmentNotification n;
    try {
      n = Json.decodeStrict(payload, SegmentNotification.class);
    } catch (ProtocolException e) {
      return new Rejection(cameraId, null, "malformed", e.getMessage());
    }
    List<String> problems = n.problems();
    if (!problems.isEmpty()) {
      return new Rejection(cameraId, n.key(), classify(n), String.join("; ", problems));
    }
    if (n.start() > nowMs + maxFutureSkewMs) {
      return new Rejection(cameraId, n.key(), "too_far_in_future",
          "start is " + (n.start() - nowMs) + " ms ahead of server time (max " + maxFutureSkewMs + ")");
    }
    return new Accepted(cameraId, n);
  }

  private static String classify(SegmentNotification n) {
    if (n.v() != SegmentNotification.VERSION) return "unsupported_version";
    if (ObjectKeys.keyProblem(n.key()) != null) return "bad_key";
    return "invalid_field";
  }
}
