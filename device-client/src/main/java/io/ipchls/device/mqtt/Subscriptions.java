package io.ipchls.device.mqtt;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Subscribes a new connection to the camera's topics and completes on the broker's SUBACK. The client's own
 * subscribe future completes once the SUBSCRIBE is written, and a broker may add the subscription after that (HiveMQ
 * CE does so asynchronously): the answer to the credential request sent next could be routed before the subscription
 * exists and be lost, costing the camera a 10 s repeat.
 */
final class Subscriptions {
  /** The SUBACK return code of a refused topic (MQTT 3.1.1 §3.9.3). */
  static final int REFUSED = 0x80;
  /** A broker that has not answered the SUBSCRIBE within this long fails the connect (it is retried). */
  static final long SUBACK_TIMEOUT_MS = 30_000;

  private Subscriptions() {}

  /**
   * Subscribes to {@code topics} in one SUBSCRIBE; fails with {@code subscription refused by broker: <topic>} (the
   * first refused one) when the broker refuses any. Call once per connection: it takes the client's SUBACK handler.
   */
  static Future<Void> subscribe(Vertx vertx, MqttClient client, List<String> topics, int qos) {
    Map<String, Integer> filters = new LinkedHashMap<>(); // the SUBACK's codes come in the request's order (§3.9.3)
    topics.forEach(t -> filters.put(t, qos));
    Promise<Void> subscribed = Promise.promise();
    client.subscribeCompletionHandler(ack -> {
      int refused = ack.grantedQoSLevels().indexOf(REFUSED);
      if (refused < 0) subscribed.tryComplete();
      else subscribed.tryFail("subscription refused by broker: " + topics.get(refused));
    });
    long timer = vertx.setTimer(SUBACK_TIMEOUT_MS,
        t -> subscribed.tryFail("no SUBACK from the broker within " + SUBACK_TIMEOUT_MS / 1000 + " s"));
    client.subscribe(filters).onFailure(subscribed::tryFail);
    return subscribed.future().onComplete(ar -> vertx.cancelTimer(timer));
  }
}
