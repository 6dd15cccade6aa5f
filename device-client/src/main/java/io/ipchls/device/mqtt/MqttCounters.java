package io.ipchls.device.mqtt;

/**
 * A snapshot of an {@link MqttLink}'s counters, for the camera's metrics.
 *
 * @param notificationsPending stored segments whose notification the broker has not acknowledged yet
 * @param notificationsDropped notifications dropped because the outbox overflowed
 * @param segmentsRejected notifications the cloud rejected
 * @param messagesRejected malformed or invalid MQTT messages received, logged and dropped
 */
public record MqttCounters(
    long notificationsPending, long notificationsDropped, long segmentsRejected, long messagesRejected) {
  /** A camera without MQTT. */
  public static final MqttCounters NONE = new MqttCounters(/* notificationsPending= */ 0, /* notificationsDropped= */ 0,
      /* segmentsRejected= */ 0, /* messagesRejected= */ 0);
}
