package io.ipchls.device.mqtt;

import io.ipchls.device.upload.CredentialSource;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.CameraEvent;
import io.ipchls.protocol.CameraStatus;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera's MQTT link as {@link io.ipchls.device.Camera} uses it: the {@link DeviceAgent}, the Vert.x it runs on
 * (the application's or a small one of its own), and the optional {@link NotificationJournal}, which keeps each
 * notification on disk until the broker acknowledges it, so a restarted camera still announces what it stored.
 */
public final class MqttLink {
  private static final Logger LOG = LoggerFactory.getLogger(MqttLink.class);

  private final String cameraId;
  private final boolean ownsVertx;
  private final Vertx vertx;
  private final NotificationJournal journal;
  private final DeviceAgent agent;

  /**
   * @param shared the application's Vert.x (not closed here), or null for one of the link's own
   * @param journalDir where notifications wait for their PUBACK across restarts, or null to keep them in memory only
   * @param commands receives each valid command from the cloud, on the link's Vert.x context
   * @param status the online status to publish (with the camera's counters), asked for at connect and every
   *     {@code statusMillis}
   */
  public MqttLink(Vertx shared, MqttSettings settings, Path journalDir, Consumer<CameraCommand> commands,
      Supplier<CameraStatus> status, long statusMillis) {
    this.cameraId = settings.cameraId();
    this.ownsVertx = shared == null;
    this.vertx = ownsVertx ? Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)) : shared;
    this.journal = journalDir == null ? null : new NotificationJournal(journalDir);
    this.agent = new DeviceAgent(vertx, settings, commands, journal == null ? key -> { } : this::forget);
    agent.statusSource(status, statusMillis);
    if (journal != null) journal.pending().forEach(agent::announce); // stored by an earlier run, not yet announced
  }

  /** Starts connecting (and reconnecting whenever the connection drops). */
  public void start() {
    agent.start();
  }

  /** Storage credentials, requested over MQTT and renewed before they expire or when storage refuses them. */
  public CredentialSource credentialSource() {
    return agent;
  }

  /** Journals {@code n}, then publishes it as soon as the connection allows, until the broker acknowledges it. */
  public void announce(SegmentNotification n) {
    if (journal != null) journal.record(n);
    agent.announce(n);
  }

  /** Publishes a camera event on {@code cameras/{id}/events} (QoS 1; dropped and logged while disconnected). */
  public void publishEvent(CameraEvent event) {
    agent.publishEvent(event);
  }

  /** Why the last incoming message (a command, a response) was dropped ({@code topic: reason}), or null. */
  public String lastRejectedMessage() {
    return agent.lastRejection();
  }

  /** Why the last connect attempt failed, or null once connected. */
  public String lastConnectError() {
    return agent.lastConnectError();
  }

  /** The counters now. */
  public MqttCounters counters() {
    return new MqttCounters(agent.pendingNotifications(), agent.notificationsDropped(), agent.rejectedCount(),
        agent.badMessages());
  }

  /**
   * Waits until {@code deadlineNanos} ({@link System#nanoTime}) for the broker to acknowledge the pending
   * notifications while connected, then publishes the offline status and disconnects.
   */
  public void close(long deadlineNanos) {
    while (agent.pendingNotifications() > 0 && agent.isConnected() && System.nanoTime() < deadlineNanos) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    if (agent.pendingNotifications() > 0) {
      LOG.warn("camera {}: closing with {} unacknowledged notification(s)", cameraId, agent.pendingNotifications());
    }
    try {
      agent.close().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      LOG.warn("camera {}: unclean MQTT close: {}", cameraId, e.toString());
    }
  }

  /** Closes the link's own Vert.x, if it made one; after {@link #close}, or instead of it when never started. */
  public void release() {
    if (ownsVertx) vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** Deletes an acknowledged notification's journal entry, off the event loop. */
  private void forget(String key) {
    vertx.executeBlocking(() -> {
      journal.remove(key);
      return null;
    }, /* ordered= */ false);
  }
}
