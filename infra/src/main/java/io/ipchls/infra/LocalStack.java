package io.ipchls.infra;

import io.ipchls.protocol.StorageDefaults;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL, the MQTT broker and S3 under one directory ({@code <dir>/postgres}, {@code <dir>/mqtt},
 * {@code <dir>/s3}), started together.
 *
 * <p>Broker authentication and S3 key lookup go through switches that can be changed while running
 * ({@link #useBrokerAuth}, {@link #useKeyLookup}): the launcher can start the stack before the services that
 * decide, and a test can install its own rules on the {@linkplain #sharedForTests() shared stack}.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
  private static LocalStack shared;

  /**
   * Where and how to run the stack.
   *
   * @param dir parent directory of the three data directories
   * @param host address every server binds, null for 127.0.0.1 (PostgreSQL always uses 127.0.0.1)
   * @param postgresPort PostgreSQL port, 0 for a free one
   * @param mqttPort MQTT port, 0 for a free one
   * @param s3Port S3 HTTP port, 0 for a free one
   * @param bucket S3 bucket to create if missing
   * @param region S3 region
   * @param s3AccessKey S3 root access key id
   * @param s3SecretKey S3 root secret
   */
  public record Options(Path dir, String host, int postgresPort, int mqttPort, int s3Port, String bucket,
      String region, String s3AccessKey, String s3SecretKey) {
    public Options {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(bucket, "bucket");
      Objects.requireNonNull(s3AccessKey, "s3AccessKey");
      Objects.requireNonNull(s3SecretKey, "s3SecretKey");
      if (host == null || host.isBlank()) host = "127.0.0.1";
      region = StorageDefaults.regionOrDefault(region);
    }

    /** 127.0.0.1, free ports, the default bucket and region ({@link StorageDefaults}), a random root secret. */
    public static Options defaults(Path dir) {
      byte[] secret = new byte[20];
      new SecureRandom().nextBytes(secret);
      return new Options(dir, /* host= */ null, /* postgresPort= */ 0, /* mqttPort= */ 0, /* s3Port= */ 0,
          StorageDefaults.BUCKET, StorageDefaults.REGION, "ipchls-root",
          HexFormat.of().formatHex(secret));
    }

    @Override
    public String toString() {
      return "Options[dir=" + dir + ", host=" + host + ", ports=" + postgresPort + "/" + mqttPort + "/" + s3Port
          + ", bucket=" + bucket + ", region=" + region + ", s3AccessKey=" + s3AccessKey + "]";
    }
  }

  private final Options options;
  private final AtomicReference<BrokerAuth> brokerAuth;
  private final AtomicReference<KeyLookup> keyLookup;
  private final EmbeddedPostgres postgres;
  private final EmbeddedBroker broker;
  private final EmbeddedS3 s3;

  private LocalStack(Options options, AtomicReference<BrokerAuth> brokerAuth, AtomicReference<KeyLookup> keyLookup,
      EmbeddedPostgres postgres, EmbeddedBroker broker, EmbeddedS3 s3) {
    this.options = options;
    this.brokerAuth = brokerAuth;
    this.keyLookup = keyLookup;
    this.postgres = postgres;
    this.broker = broker;
    this.s3 = s3;
  }

  /**
   * Starts the three servers in parallel. Broker authentication starts as {@link BrokerAuth#allowAllAsService()}
   * and S3 knows only the root key until {@link #useBrokerAuth}/{@link #useKeyLookup} say otherwise.
   */
  public static LocalStack start(Options options) {
    var auth = new AtomicReference<>(BrokerAuth.allowAllAsService());
    var keys = new AtomicReference<>(KeyLookup.none());
    BrokerAuth switchAuth = BrokerAuth.withSource(
        (id, user, pw, source) -> auth.get().authenticate(id, user, pw, source));
    KeyLookup switchKeys = accessKeyId -> keys.get().find(accessKeyId);
    // Start the three in parallel on threads of our own: they block (process start, HiveMQ boot).
    ExecutorService starter = Executors.newFixedThreadPool(3, r -> new Thread(r, "ipchls-stack-start"));
    try {
      var pg = CompletableFuture.supplyAsync(
          () -> EmbeddedPostgres.start(options.dir().resolve("postgres"), options.postgresPort()), starter);
      var mqtt = CompletableFuture.supplyAsync(() -> EmbeddedBroker.start(new BrokerOptions(
          options.dir().resolve("mqtt"), options.host(), options.mqttPort(), switchAuth)), starter);
      var s3 = CompletableFuture.supplyAsync(() -> EmbeddedS3.start(new S3Options(options.dir().resolve("s3"),
          options.host(), options.s3Port(), options.bucket(), options.region(), options.s3AccessKey(),
          options.s3SecretKey(), switchKeys)), starter);
      try {
        CompletableFuture.allOf(pg, mqtt, s3).join();
      } catch (RuntimeException e) {
        pg.thenAccept(EmbeddedPostgres::close);
        mqtt.thenAccept(EmbeddedBroker::close);
        s3.thenAccept(EmbeddedS3::close);
        throw e;
      }
      return new LocalStack(options, auth, keys, pg.join(), mqtt.join(), s3.join());
    } finally {
      starter.shutdown();
    }
  }

  /**
   * One stack per JVM, started on first use in a fresh temporary directory with free ports. A shutdown hook stops it
   * and then deletes the directory: every test JVM writes a few hundred megabytes there (PostgreSQL, broker, S3
   * blobs). Tests sharing it should use their own camera ids, keys and schemas, and restore the defaults
   * ({@code useBrokerAuth(null)}, {@code useKeyLookup(null)}) when they installed their own.
   */
  public static synchronized LocalStack sharedForTests() {
    if (shared == null) {
      ScratchDir dir = ScratchDir.create("ipchls-stack-");
      try {
        LocalStack stack = start(Options.defaults(dir.path()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAndDelete(stack, dir), "ipchls-stack-shutdown"));
        LOG.info("shared test stack in {} (deleted at exit)", dir);
        shared = stack;
      } finally {
        if (shared == null) ScratchDir.deleteTreeQuietly(dir.path());
      }
    }
    return shared;
  }

  private static void closeAndDelete(LocalStack stack, ScratchDir dir) {
    try {
      stack.close();
    } finally {
      ScratchDir.deleteTreeQuietly(dir.path());
    }
  }

  /** Decides MQTT CONNECTs from now on; null restores {@link BrokerAuth#allowAllAsService()}. */
  public void useBrokerAuth(BrokerAuth auth) {
    brokerAuth.set(auth != null ? auth : BrokerAuth.allowAllAsService());
  }

  /** Finds temporary S3 keys from now on; null restores {@link KeyLookup#none()}. */
  public void useKeyLookup(KeyLookup keys) {
    keyLookup.set(keys != null ? keys : KeyLookup.none());
  }

  public Options options() {
    return options;
  }

  public EmbeddedPostgres postgres() {
    return postgres;
  }

  public EmbeddedBroker broker() {
    return broker;
  }

  public EmbeddedS3 s3() {
    return s3;
  }

  /** Stops all three; their data stays under {@link Options#dir()}. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (AutoCloseable c : new AutoCloseable[] {s3, broker, postgres}) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) failure = new IllegalStateException("stopping the local stack failed", e);
        else failure.addSuppressed(e);
      }
    }
    if (failure != null) throw failure;
  }
}
