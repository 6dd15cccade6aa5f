package io.ipchls.device.mqtt;

import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.CredentialResponse;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.ProtocolException;
import io.ipchls.protocol.SegmentRejected;
import io.ipchls.protocol.Topics;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the cloud sends a camera: credential responses, rejected segments and commands. A malformed or unexpected
 * message, or an invalid command, is logged, counted and dropped; the link carries on. Used on the agent's Vert.x
 * context; the counters may be read from any thread.
 */
final class IncomingMessages {
  private static final Logger LOG = LoggerFactory.getLogger(IncomingMessages.class);

  private final String cameraId;
  private final CredentialRequests credentials;
  private final Consumer<CameraCommand> commands;
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong badMessages = new AtomicLong();
  private volatile String lastRejection;

  /** @param commands receives each valid command */
  IncomingMessages(String cameraId, CredentialRequests credentials, Consumer<CameraCommand> commands) {
    this.cameraId = cameraId;
    this.credentials = credentials;
    this.commands = commands;
  }

  void handle(MqttPublishMessage msg) {
    String topic = msg.topicName();
    try {
      Topics.Kind kind = Topics.parse(topic).filter(t -> t.cameraId().equals(cameraId))
          .map(Topics.CameraTopic::kind).orElseThrow(() -> new ProtocolException("unexpected topic"));
      byte[] payload = msg.payload().getBytes();
      switch (kind) {
        case CREDENTIALS_RESPONSE -> credentials.onResponse(Json.decode(payload, CredentialResponse.class));
        case SEGMENTS_REJECTED -> onRejected(Json.decode(payload, SegmentRejected.class));
        case COMMANDS -> onCommand(Json.decode(payload, CameraCommand.class), msg.isRetain());
        default -> throw new ProtocolException("unexpected topic kind " + kind);
      }
    } catch (ProtocolException | IllegalArgumentException e) {
      lastRejection = topic + ": " + e.getMessage(); // first: whoever sees the count then sees its reason
      badMessages.incrementAndGet();
      LOG.warn("camera {}: dropped message on {}: {}", cameraId, topic, e.getMessage());
    }
  }

  /** Notifications the cloud rejected since start. */
  long rejectedCount() {
    return rejected.get();
  }

  /** Malformed or unexpected messages received (logged and dropped). */
  long badMessages() {
    return badMessages.get();
  }

  private void onRejected(SegmentRejected r) {
    rejected.incrementAndGet();
    LOG.warn("camera {}: segment {} rejected: {}", cameraId, r.key(), r.reason());
  }

  /** Why the last message was dropped ({@code topic: reason}), or null. */
  String lastRejection() {
    return lastRejection;
  }

  private void onCommand(CameraCommand command, boolean retained) {
    var problems = command.problems();
    if (!problems.isEmpty()) throw new ProtocolException("bad command: " + String.join("; ", problems));
    if (retained && CameraCommand.TRIGGER.equals(command.command())) {
      // a retained trigger would start a clip on every reconnect, long after its event
      throw new ProtocolException("bad command: a trigger must not be retained");
    }
    LOG.info("camera {}: command {}", cameraId, command);
    commands.accept(command);
  }
}
