package io.ipchls.protocol;

import java.util.Optional;

/**
 * Every MQTT topic of the v1 contract (docs/ARCHITECTURE.md "MQTT contract"): builders, and a parser that
 * turns a concrete camera topic back into a typed {@link CameraTopic} or empty.
 */
public final class Topics {
  public static final String CAMERAS = "cameras";
  /** Shared subscription through which ingest instances split segment notifications. */
  public static final String INGEST_SHARED_SEGMENTS = "$share/ingest/cameras/+/segments";
  /** Shared subscription through which credential-service instances split credential requests. */
  public static final String CREDENTIAL_SHARED_REQUESTS = "$share/credential/cameras/+/credentials/request";
  /**
   * Shared subscription through which ingest instances split camera status changes (retained online, and the
   * offline will), so each change is handled once in the cluster. Retained messages are not sent to shared
   * subscriptions (MQTT 5 §4.8.2), so this sees changes only, which is what events are about.
   */
  public static final String INGEST_SHARED_STATUS = "$share/ingest-status/cameras/+/status";
  /**
   * Shared subscription through which ingest instances split camera events ({@code cameras/{id}/events}); a group of
   * its own, so events and segment notifications never wait for each other.
   */
  public static final String INGEST_SHARED_EVENTS = "$share/ingest-events/cameras/+/events";
  public static final String EVENTS_RECORDINGS = "events/recordings";

  private Topics() {}

  /** The kinds of topic under {@code cameras/{id}/}. */
  public enum Kind {
    CREDENTIALS_REQUEST("credentials/request"),
    CREDENTIALS_RESPONSE("credentials/response"),
    SEGMENTS("segments"),
    SEGMENTS_REJECTED("segments/rejected"),
    EVENTS("events"),
    EVENTS_REJECTED("events/rejected"),
    COMMANDS("commands"),
    STATUS("status");

    final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }

    public String suffix() {
      return suffix;
    }
  }

  /** A parsed camera topic. */
  public record CameraTopic(String cameraId, Kind kind) {
    public String topic() {
      return of(cameraId, kind);
    }
  }

  public static String of(String cameraId, Kind kind) {
    return CAMERAS + "/" + CameraIds.require(cameraId) + "/" + kind.suffix;
  }

  public static String credentialsRequest(String cameraId) {
    return of(cameraId, Kind.CREDENTIALS_REQUEST);
  }

  public static String credentialsResponse(String cameraId) {
    return of(cameraId, Kind.CREDENTIALS_RESPONSE);
  }

  public static String segments(String cameraId) {
    return of(cameraId, Kind.SEGMENTS);
  }

  public static String segmentsRejected(String cameraId) {
    return of(cameraId, Kind.SEGMENTS_REJECTED);
  }

  public static String events(String cameraId) {
    return of(cameraId, Kind.EVENTS);
  }

  public static String eventsRejected(String cameraId) {
    return of(cameraId, Kind.EVENTS_REJECTED);
  }

  public static String commands(String cameraId) {
    return of(cameraId, Kind.COMMANDS);
  }

  public static String status(String cameraId) {
    return of(cameraId, Kind.STATUS);
  }

  /** Parses {@code cameras/{id}/{kind}}; empty for anything else (wildcards, other ids, other kinds). */
  public static Optional<CameraTopic> parse(String topic) {
    if (topic == null || !topic.startsWith(CAMERAS + "/")) return Optional.empty();
    String rest = topic.substring(CAMERAS.length() + 1);
    int slash = rest.indexOf('/');
    if (slash <= 0) return Optional.empty();
    String id = rest.substring(0, slash);
    if (!CameraIds.isValid(id)) return Optional.empty();
    String suffix = rest.substring(slash + 1);
    for (Kind k : Kind.values()) {
      if (k.suffix.equals(suffix)) return Optional.of(new CameraTopic(id, k));
    }
    return Optional.empty();
  }

  /** The camera-side ACL: a camera may publish only its request, segment, event and status topics. */
  public static boolean cameraMayPublish(String cameraId, String topic) {
    return parse(topic)
        .filter(t -> t.cameraId().equals(cameraId))
        .map(t -> t.kind() == Kind.CREDENTIALS_REQUEST || t.kind() == Kind.SEGMENTS || t.kind() == Kind.EVENTS
            || t.kind() == Kind.STATUS)
        .orElse(false);
  }

  /**
   * A camera may subscribe only to concrete (wildcard-free) topics under its own id that services publish to it.
   */
  public static boolean cameraMaySubscribe(String cameraId, String filter) {
    if (filter == null || filter.contains("+") || filter.contains("#")) return false;
    return parse(filter)
        .filter(t -> t.cameraId().equals(cameraId))
        .map(t -> t.kind() == Kind.CREDENTIALS_RESPONSE
            || t.kind() == Kind.SEGMENTS_REJECTED
            || t.kind() == Kind.EVENTS_REJECTED
            || t.kind() == Kind.COMMANDS)
        .orElse(false);
  }
}
