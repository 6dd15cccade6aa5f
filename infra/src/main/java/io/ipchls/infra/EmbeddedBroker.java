package io.ipchls.infra;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.mqtt.message.publish.PUBLISH;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT broker (HiveMQ CE, embedded) speaking MQTT 3.1.1 and 5 on one TCP listener, plain or TLS (with a server
 * certificate given in {@link BrokerOptions#tls()}; then a plain listener only if {@link BrokerOptions#plainPort()}
 * asks for one), with persistent sessions
 * and queued messages kept in {@code <dataDir>/data} across restarts, and every client authenticated through a
 * {@link BrokerAuth}: a {@code CAMERA} may only publish and subscribe where {@link io.ipchls.protocol.Topics}
 * allows it, a {@code SERVICE} anywhere.
 *
 * <p>Limits are set for load: up to {@value #MAX_QUEUE_SIZE} queued messages per offline or slow client (the
 * HiveMQ default of 1000 drops messages silently), up to {@value #DELIVERY_WINDOW} unacknowledged messages in flight to
 * a subscriber (HiveMQ's default of 50 starves ingest's shared subscription), no connection limit, no bandwidth
 * throttling; shared subscribers are polled every {@value SharedQueueNudge#INTERVAL_MS} ms ({@link SharedQueueNudge})
 * because HiveMQ CE alone stops delivering to them under a sustained backlog.
 */
public final class EmbeddedBroker implements AutoCloseable {
  /** How long a CONNECT waits for {@link BrokerAuth} before it is refused. */
  public static final Duration AUTH_TIMEOUT = Duration.ofSeconds(10);
  /**
   * Messages a queue (a client's, or a shared subscription's) holds on disk. HiveMQ CE acknowledges a QoS 1 PUBLISH
   * from an MQTT 3.1.1 client even when a full queue discards it, and both its strategies discard, so this is sized
   * for a stated outage instead: 5,000,000 ≈ 12 h at 115 notifications/s, ≈ 8.5 GB of disk at the measured 1.7 KiB
   * each (docs/OPERATIONS.md "Overload and what each broker can lose").
   */
  static final long MAX_QUEUE_SIZE = 5_000_000;
  /** Unacknowledged messages in flight to one subscriber, and messages polled at once from a shared queue. */
  static final int DELIVERY_WINDOW = 1000;
  /**
   * The system property that sets {@link #deliveryWindow()} for this JVM instead of {@value #DELIVERY_WINDOW} (tests
   * whose ingest holds far fewer messages than that: see {@link #deliveryWindow()}).
   */
  public static final String DELIVERY_WINDOW_PROPERTY = "ipchls.broker.deliveryWindow";
  /**
   * Largest MQTT packet accepted; a client sending more is disconnected. Equal to what the services' MQTT clients
   * accept ({@code ManagedMqttClient}): a bigger message would be routed to them and make them drop their connection.
   * Protocol messages are at most 16 KiB ({@code Json.MAX_PAYLOAD_BYTES}).
   */
  public static final int MAX_PACKET_BYTES = 64 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
  /** The extension SDK's {@link Services} is static: start one broker at a time so each registers its own hooks. */
  private static final Object START_LOCK = new Object();

  private final EmbeddedHiveMQ hivemq;
  private final AtomicReference<ClientService> clients;
  private final SharedQueueNudge nudge;
  private final String host;
  private final int port;
  private final int plainPort;
  private final ServerTls tls;

  private EmbeddedBroker(EmbeddedHiveMQ hivemq, AtomicReference<ClientService> clients, SharedQueueNudge nudge,
      BrokerOptions options, Ports ports) {
    this.hivemq = hivemq;
    this.nudge = nudge;
    this.clients = clients;
    this.host = options.host();
    this.port = ports.main();
    this.plainPort = ports.plain();
    this.tls = options.tls();
  }

  /** The listeners' ports: {@code main} (TLS when configured, else plain) and an extra plain one (-1: none). */
  record Ports(int main, int plain) {}

  /**
   * Starts the broker and returns once it accepts connections.
   *
   * @throws IllegalStateException if HiveMQ does not start
   */
  public static EmbeddedBroker start(BrokerOptions options) {
    int attempts = options.port() == 0 || options.plainPort() == 0 ? 3 : 1;
    for (int i = 1; ; i++) {
      Ports ports = new Ports(options.port() == 0 ? freePort(options.host()) : options.port(),
          options.plainPort() == 0 ? freePort(options.host()) : options.plainPort());
      try {
        return startOn(options, ports);
      } catch (IllegalStateException e) {
        // A port picked as free can be taken by someone else before HiveMQ binds it.
        if (i >= attempts || !causedByBind(e)) throw e;
        LOG.warn("MQTT port {} was taken, trying another", ports);
      }
    }
  }

  private static EmbeddedBroker startOn(BrokerOptions options, Ports ports) {
    int port = ports.main();
    Path root = options.dataDir().toAbsolutePath();
    Path conf = root.resolve("conf");
    Path data = root.resolve("data");
    Path extensions = root.resolve("extensions");
    try {
      Files.createDirectories(conf);
      Files.createDirectories(data);
      Files.createDirectories(extensions);
      String listeners = options.tls() == null ? tcpListener(options.host(), port, "mqtt")
          : tlsListener(options.host(), port, options.tls().writeKeyStore(conf.resolve("server.p12")))
            + (ports.plain() > 0 ? tcpListener(options.host(), ports.plain(), "mqtt-plain") : "");
      Path configFile = conf.resolve("config.xml");
      Files.deleteIfExists(configFile);
      // it may name the key store's password: readable by the owner only
      Files.createFile(configFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(configFile, configXml(listeners), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare broker folders in " + root, e);
    }
    applyDeliveryWindow();
    BrokerSecurity security = new BrokerSecurity(options.auth(), AUTH_TIMEOUT);
    AtomicReference<ClientService> clients = new AtomicReference<>();
    SharedQueueNudge nudge = new SharedQueueNudge();
    EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
        .withConfigurationFolder(conf)
        .withDataFolder(data)
        .withExtensionsFolder(extensions)
        .withEmbeddedExtension(extension(security, clients, nudge))
        .withoutLoggingBootstrap()
        .build();
    synchronized (START_LOCK) {
      // HiveMQ keys every message's payload by an id from one JVM-wide counter (PUBLISH.PUBLISH_COUNTER) and, when
      // its payload store opens, sets that counter to the highest id in *its* data folder. A second broker started
      // in the same JVM (tests, benchmarks) so moved the counter back under ids the running broker still holds
      // (retained messages, queued ones), and that broker then stored new messages under those ids, which already
      // had a payload: subscribers got an old message's payload under a new topic. Put the counter back to where
      // it was, never lower than the new broker's own highest id (EmbeddedBrokerPayloadIdsTest). While the second
      // broker boots the counter is still low for a moment; the product runs one broker per JVM, where this never
      // happens.
      long payloadIdsBefore = PUBLISH.PUBLISH_COUNTER.get();
      try {
        hivemq.start().get(60, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        closeQuietly(hivemq);
        throw new IllegalStateException("MQTT broker did not start on " + options.host() + ":" + port, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeQuietly(hivemq);
        throw new IllegalStateException("interrupted while starting the MQTT broker", e);
      } finally {
        PUBLISH.PUBLISH_COUNTER.accumulateAndGet(payloadIdsBefore, Math::max);
      }
    }
    LOG.info("MQTT broker listening on {}:{}{}{} with data in {}", options.host(), port,
        options.tls() == null ? "" : " (TLS)", ports.plain() > 0 ? ", plain on " + ports.plain() : "", data);
    return new EmbeddedBroker(hivemq, clients, nudge, options, ports);
  }

  /**
   * HiveMQ CE sends a subscriber at most {@code MAX_INFLIGHT_WINDOW_SIZE_MESSAGES} (50 by default) unacknowledged
   * messages, and on a shared subscription polls the next batch ({@code PUBLISH_POLL_BATCH_SIZE}, 50) only once the
   * whole previous one is acknowledged: with ingest acknowledging after its database commit, a connection then carries
   * 50 messages per commit, the shared queue grows, and HiveMQ's cost per delivered message grows with that queue (see
   * docs/PERFORMANCE.md "Ingest"). An MQTT 5 client's smaller receive maximum still applies. Both are statics of
   * HiveMQ's, not config.xml elements, so the value is the same for every broker in this JVM.
   *
   * <p>The window is also a cost: HiveMQ removes each acknowledged message of a shared subscription by walking the
   * queue from its head, where the messages in flight to every subscriber sit ({@code removeShared}), so each PUBACK
   * costs up to the sessions' windows together. A smaller window costs ingest more than that, so the default stays
   * {@value #DELIVERY_WINDOW} (250 committed 0.29 of what 1000 did end to end: docs/PERFORMANCE.md "Ingest"). A JVM
   * whose ingest holds only a few messages per session (the overload test's bound of 20) sets
   * {@value #DELIVERY_WINDOW_PROPERTY} just above that: with 1000 the broker's writer thread was still removing
   * acknowledged messages about a minute after ingest had committed them all, and CONNECTs waited behind it.
   */
  public static int deliveryWindow() {
    String set = System.getProperty(DELIVERY_WINDOW_PROPERTY);
    if (set == null) return DELIVERY_WINDOW;
    try {
      int window = Integer.parseInt(set.strip());
      if (window >= 1 && window <= 65_535) return window;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalStateException(DELIVERY_WINDOW_PROPERTY + " must be a whole number from 1 to 65535, not " + set);
  }

  private static void applyDeliveryWindow() {
    int window = deliveryWindow();
    InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = window;
    InternalConfigurations.PUBLISH_POLL_BATCH_SIZE = window;
  }

  private static EmbeddedExtension extension(BrokerSecurity security, AtomicReference<ClientService> clients,
      SharedQueueNudge nudge) {
    return EmbeddedExtension.builder()
        .withId("ipchls-auth")
        .withName("ipc-hls authentication and authorization")
        .withVersion("1")
        .withPriority(1000)
        .withStartPriority(1000)
        .withExtensionMain(new ExtensionMain() {
          @Override
          public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
            Services.securityRegistry().setAuthenticatorProvider(input -> security);
            Services.securityRegistry().setAuthorizerProvider(input -> security);
            nudge.install();
            clients.set(Services.clientService());
          }

          @Override
          public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {
            nudge.stop();
          }
        })
        .build();
  }

  static String tcpListener(String host, int port, String name) {
    return """
            <tcp-listener>
              <port>%d</port>
              <bind-address>%s</bind-address>
              <name>%s</name>
            </tcp-listener>
        """.formatted(port, host, name);
  }

  /** TLS 1.2 and 1.3 (HiveMQ's default protocols), no client certificates: clients log in with user and password. */
  static String tlsListener(String host, int port, ServerTls.KeyStoreFile keyStore) {
    return """
            <tls-tcp-listener>
              <port>%d</port>
              <bind-address>%s</bind-address>
              <name>mqtt-tls</name>
              <tls>
                <keystore>
                  <path>%s</path>
                  <password>%s</password>
                  <private-key-password>%s</private-key-password>
                </keystore>
                <client-authentication-mode>NONE</client-authentication-mode>
              </tls>
            </tls-tcp-listener>
        """.formatted(port, host, xmlText(keyStore.file().toString()), keyStore.password(), keyStore.password());
  }

  private static String xmlText(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static String configXml(String listeners) {
    return """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
        %s  </listeners>
          <mqtt>
            <queued-messages>
              <max-queue-size>%d</max-queue-size>
              <strategy>discard</strategy>
            </queued-messages>
            <packets>
              <max-packet-size>%d</max-packet-size>
            </packets>
            <receive-maximum>
              <server-receive-maximum>1000</server-receive-maximum>
            </receive-maximum>
          </mqtt>
          <restrictions>
            <max-connections>-1</max-connections>
            <incoming-bandwidth-throttling>0</incoming-bandwidth-throttling>
          </restrictions>
          <security>
            <allow-empty-client-id>
              <enabled>false</enabled>
            </allow-empty-client-id>
          </security>
          <persistence>
            <mode>file</mode>
          </persistence>
          <anonymous-usage-statistics>
            <enabled>false</enabled>
          </anonymous-usage-statistics>
        </hivemq>
        """.formatted(listeners, MAX_QUEUE_SIZE, MAX_PACKET_BYTES);
  }

  /** The {@code mqtt} section of a service's config that connects here as {@code username}. */
  public JsonObject mqttSection(String username, String password) {
    JsonObject section = new JsonObject().put("host", host()).put("port", port()).put("username", username)
        .put("password", password);
    if (tls != null) section.put("ssl", true).put("caFile", tls.trustFile().toString());
    return section;
  }

  public String host() {
    return host;
  }

  /** The main listener's port: TLS when {@link #tls()} is set, else plain. */
  public int port() {
    return port;
  }

  /** The plain listener's port besides the TLS one, or -1 when there is none. */
  public int plainPort() {
    return plainPort;
  }

  /** The server certificate of the TLS listener, or null when the broker speaks plain MQTT only. */
  public ServerTls tls() {
    return tls;
  }

  /**
   * Closes the connection of {@code clientId} if it is connected (a camera that was disabled, rotated or deleted must
   * not keep a session opened with its old secret); completes with whether it was connected.
   */
  public CompletionStage<Boolean> disconnect(String clientId) {
    ClientService service = clients.get();
    if (service == null) return CompletableFuture.completedFuture(false);
    return service.disconnectClient(clientId);
  }

  /** Stops the broker; sessions and queued messages stay in the data folder. */
  @Override
  public void close() {
    nudge.stop();
    try {
      hivemq.close();
    } catch (ExecutionException e) {
      throw new IllegalStateException("MQTT broker did not stop cleanly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(EmbeddedHiveMQ hivemq) {
    try {
      hivemq.close();
    } catch (Exception e) {
      LOG.debug("closing a broker that did not start", e);
    } 
  }

  static int freePort(String host) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + host, e);
    }
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }
}
