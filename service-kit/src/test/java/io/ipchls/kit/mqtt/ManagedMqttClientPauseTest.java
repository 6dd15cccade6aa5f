package io.ipchls.kit.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.BrokerAuth;
import io.ipchls.infra.BrokerOptions;
import io.ipchls.infra.EmbeddedBroker;
import io.ipchls.infra.ScratchDir;
import io.ipchls.kit.config.MqttConfig;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ManagedMqttClient#pauseReading()} against a real broker (HiveMQ CE embedded): while paused nothing reaches the
 * handler, the connection outlives several keep-alive limits (a paused socket holds back PINGRESP, which the client's
 * own keep-alive must not take for a dead broker), and on resume everything the broker kept arrives.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManagedMqttClientPauseTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  /** 1.5 × this is the keep-alive limit: a paused client must outlive it several times. */
  private static final int KEEP_ALIVE_SECONDS = 2;
  private static ScratchDir dir;
  private static EmbeddedBroker broker;

  @BeforeAll
  static void start() {
    dir = ScratchDir.create("managed-mqtt-");
    broker = EmbeddedBroker.start(new BrokerOptions(dir.path(), "127.0.0.1", 0, BrokerAuth.allowAllAsService()));
  }

  @AfterAll
  static void stop() {
    try {
      if (broker != null) broker.close();
    } finally {
      if (dir != null) dir.close();
    }
  }

  @Test
  void pausedReading_deliversNothing_outlivesTheKeepAlive_andResumeDeliversTheRest(Vertx vertx) {
    Context context = vertx.getOrCreateContext();
    AtomicInteger received = new AtomicInteger();
    var config = new MqttConfig(broker.host(), broker.port(), /* ssl= */ false, "service", "test");
    ManagedMqttClient consumer = new ManagedMqttClient(vertx, config, "pause-test-consumer",
        /* cleanSession= */ true, /* autoAck= */ true)
        .keepAliveSeconds(KEEP_ALIVE_SECONDS)
        .subscribe("pause-test/#", 1)
        .messageHandler(m -> received.incrementAndGet());
    await(on(context, consumer::startWithRetry));
    MqttClient publisher = MqttClient.create(vertx, new MqttClientOptions().setClientId("pause-test-publisher")
        .setUsername("service").setPassword("test"));
    await(publisher.connect(broker.port(), broker.host()));
    AtomicInteger acknowledged = new AtomicInteger();
    publisher.publishCompletionHandler(id -> acknowledged.incrementAndGet());

    publish(publisher, 1);
    Await.until("the first message", DEADLINE, received::get, n -> n == 1);

    await(on(context, () -> {
      consumer.pauseReading();
      return Future.succeededFuture();
    }));
    publish(publisher, 5);
    Await.until("the broker's acknowledgements", DEADLINE, acknowledged::get, n -> n == 6);
    // paused for longer than three keep-alive limits, counted in the client's own PINGREQs (one per third of the
    // keep-alive interval), during which PINGRESPs cannot be read
    long pings = consumer.pingsSent();
    long pingsInThreeLimits = (long) Math.ceil(3 * 1.5 * 3); // 3 limits of 1.5 intervals, 3 PINGREQs an interval
    Await.until("PINGREQs while paused", DEADLINE, consumer::pingsSent, n -> n > pings + pingsInThreeLimits);
    assertTrue(consumer.isConnected(), "a paused connection is not dropped as dead");
    assertEquals(1, received.get(), "nothing is delivered while reading is paused");

    await(on(context, () -> {
      consumer.resumeReading();
      return Future.succeededFuture();
    }));
    Await.until("the messages kept while paused", DEADLINE, received::get, n -> n == 6);
    assertTrue(consumer.isConnected(), "the same connection reads on");
    await(publisher.disconnect());
    await(on(context, consumer::close));
  }

  private static void publish(MqttClient publisher, int n) {
    for (int i = 0; i < n; i++) {
      await(publisher.publish("pause-test/t", Buffer.buffer("m" + i), MqttQoS.AT_LEAST_ONCE, /* isDup= */ false,
          /* isRetain= */ false));
    }
  }

  /** Runs {@code action} on {@code context}, where the client lives. */
  private static <T> Future<T> on(Context context, Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("operation failed or timed out: " + e, e);
    }
  }
}
