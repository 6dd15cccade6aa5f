package io.ipchls.infra;

import com.hivemq.extension.sdk.api.interceptor.subscribe.SubscribeInboundInterceptor;
import com.hivemq.extension.sdk.api.packets.subscribe.Subscription;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import com.hivemq.extension.sdk.api.services.subscription.SubscriptionStore;
import com.hivemq.extension.sdk.api.services.subscription.TopicSubscription;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around HiveMQ CE's lost wake-ups on shared subscriptions (hivemq/hivemq-community-edition#558): HiveMQ tells a
 * shared group's subscribers about new messages only when the group's queue goes from empty to one message, so once
 * a backlog exists a subscriber whose last poll came back empty (everything was in flight to another session) is never
 * told again while publishers keep the queue non-empty, and deliveries thin out to nothing with the connections up.
 *
 * <p>Every {@value #INTERVAL_MS} ms, each connected client that subscribed to a {@code $share/...} filter gets its own
 * shared subscriptions, as the broker has them (so unsubscribed or refused filters are never added back), added again
 * through the extension SDK: HiveMQ then polls the group's queue for that client, which does nothing when the client
 * still has messages in flight.
 */
final class SharedQueueNudge {
  static final long INTERVAL_MS = 500;
  private static final Logger LOG = LoggerFactory.getLogger(SharedQueueNudge.class);
  private final Set<String> sharedSubscribers = ConcurrentHashMap.newKeySet();
  // The SDK's Services are static and point at the broker started last: keep this broker's own.
  private ClientService clients;
  private SubscriptionStore store;
  private volatile boolean stopped;
  private volatile ScheduledFuture<?> timer;

  /** Registers the interceptor that notes shared subscribers, and the periodic nudge; call from extensionStart. */
  void install() {
    clients = Services.clientService();
    store = Services.subscriptionStore();
    SubscribeInboundInterceptor noteShared = (input, output) -> {
      for (Subscription s : input.getSubscribePacket().getSubscriptions()) {
        if (s.getTopicFilter().startsWith("$share/")) {
          sharedSubscribers.add(input.getClientInformation().getClientId());
          return;
        }
      }
    };
    Services.initializerRegistry().setClientInitializer(
        (init, context) -> context.addSubscribeInboundInterceptor(noteShared));
    timer = Services.extensionExecutorService().scheduleWithFixedDelay(this::nudgeAll, INTERVAL_MS, INTERVAL_MS,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Stops nudging; call before HiveMQ shuts down, since a subscription added after its persistence stopped never
   * completes and holds up the shutdown.
   */
  void stop() {
    stopped = true;
    ScheduledFuture<?> t = timer;
    if (t != null) t.cancel(false);
  }

  private void nudgeAll() {
    if (stopped) return;
    for (String clientId : sharedSubscribers) {
      clients.isClientConnected(clientId).thenAccept(connected -> {
        if (connected && !stopped) nudge(clientId);
      });
    }
  }

  private void nudge(String clientId) {
    store.getSubscriptions(clientId).thenAccept(subscriptions -> {
      for (TopicSubscription s : subscriptions) {
        if (stopped || !s.getTopicFilter().startsWith("$share/")) continue;
        store.addSubscription(clientId, s).exceptionally(e -> {
          LOG.debug("could not poll the shared queue of {} for {}", s.getTopicFilter(), clientId, e);
          return null;
        });
      }
    }).exceptionally(e -> {
      LOG.debug("could not read the subscriptions of {}", clientId, e);
      return null;
    });
  }
}
