package io.ipchls.protocol;

/** {@code cameras/{id}/events/rejected}: ingest refused an event, and why ({@code id} as sent, when it had one). */
public record EventRejected(int v, String id, String reason) {
  public static EventRejected of(String id, String reason) {
    return new EventRejected(1, id, reason);
  }
}
