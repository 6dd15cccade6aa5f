package io.ipchls.bench.credential;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.CredentialService;
import io.ipchls.credential.auth.Secrets;
import io.ipchls.credential.broker.BrokerAuthClient;
import io.ipchls.infra.AuthDecision;
import io.ipchls.infra.BrokerOptions;
import io.ipchls.infra.EmbeddedBroker;
import io.ipchls.infra.EmbeddedPostgres;
import io.ipchls.kit.cluster.ClusterConfig;
import io.ipchls.kit.cluster.Clustering;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.StorageDefaults;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A reconnect storm: N registered cameras connect to the embedded broker at once and each asks credential-service for
 * storage credentials over MQTT; the figure is the time until every camera holds credentials. Measured three ways:
 * the first connect (fresh service, empty login cache), after a broker restart with credential-service still running
 * (its login cache warm: the realistic storm), and after restarting both (every secret re-hashed). The comparison of
 * the same run is the bare bcrypt time for N checks on the same worker count, measured first.
 *
 * <p>Cameras are inserted straight into {@code credential.devices} with real bcrypt hashes of their own random
 * secrets (hashed on all cores) rather than through the admin API one by one: the rows are identical, only faster to
 * make. Everything (PostgreSQL, HiveMQ, a one-member Hazelcast cluster, credential-service and the N clients) runs in
 * this process, so the clients' own work is part of the figures.
 */
@Command(name = "ReconnectStorm", mixinStandardHelpOptions = true,
    description = "N cameras reconnect and fetch credentials at once; time to all credentialed.")
public final class ReconnectStorm implements Callable<Integer> {
  @Option(names = "--cameras", defaultValue = "5000", description = "number of cameras (default ${DEFAULT-VALUE})")
  int cameras;

  @Option(names = "--bcrypt-cost", defaultValue = "" + CredentialConfig.DEFAULT_BCRYPT_COST,
      description = "bcrypt cost of the camera secrets (default ${DEFAULT-VALUE})")
  int cost;

  @Option(names = "--deadline-seconds", defaultValue = "600", description = "give up a storm after this long")
  int deadlineSeconds;

  private static final int BCRYPT_SAMPLE = 500;
  private static final String ADMIN_TOKEN = "bench-admin-token-0123456789";
  private static final String SERVICE = "svc-credential";
  private static final String SERVICE_PASSWORD = "bench-service-password";

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReconnectStorm()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("ipchls-storm-");
    System.out.printf("reconnect storm: %d cameras, bcrypt cost %d, %d cores%n", cameras, cost,
        Runtime.getRuntime().availableProcessors());
    List<String[]> cams = cameras(cameras);

    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("postgres"), 0)) {
      Vertx vertx = await(Clustering.start(new ClusterConfig("ipchls-storm-" + ProcessHandle.current().pid(),
          "127.0.0.1", 5801, List.of("127.0.0.1:5801"))));
      int mqttPort = freePort();
      JsonObject config = config(pg, mqttPort);
      EmbeddedBroker broker = startBroker(vertx, dir, mqttPort);
      String deployment = deploy(vertx, config);
      insert(vertx, config, cams);
      StormClients clients = new StormClients("127.0.0.1", mqttPort, cams, deadlineSeconds);

      double bcryptSeconds = bareBcryptSeconds(cams);
      report("first connect (empty login cache)", clients.storm(), bcryptSeconds);
      clients.disconnectAll();

      long t0 = System.nanoTime();
      broker.close();
      broker = startBroker(vertx, dir, mqttPort);
      System.out.printf("broker restart: %.1f s%n", (System.nanoTime() - t0) / 1e9);
      bcryptSeconds = bareBcryptSeconds(cams);
      report("after broker restart, credential-service warm", clients.storm(), bcryptSeconds);
      clients.disconnectAll();

      await(vertx.undeploy(deployment));
      broker.close();
      broker = startBroker(vertx, dir, mqttPort);
      deployment = deploy(vertx, config);
      bcryptSeconds = bareBcryptSeconds(cams);
      report("after broker + credential-service restart (cold)", clients.storm(), bcryptSeconds);
      clients.disconnectAll();

      broker.close();
      await(vertx.close());
    }
    return 0;
  }

  private static void report(String what, StormClients.Result r, double bcryptSeconds) {
    System.out.printf("%s:%n  all %d credentialed in %.1f s (%.2f x bare bcrypt of the same run)%n"
            + "  all connected in %.1f s: %d auth decisions = %.0f decisions/s; %d connects refused (busy) and retried,"
            + " %d error answers, %d requests unanswered within %d s and repeated%n"
            + "  connect latency %s%n  time to credentials %s%n",
        what, r.cameras(), r.credentialedSeconds(), r.credentialedSeconds() / bcryptSeconds, r.connectedSeconds(),
        r.decisions(), r.decisions() / r.connectedSeconds(), r.connectRefused(), r.errorAnswers(), r.unanswered(),
        StormClients.ANSWER_TIMEOUT_MS / 1000, r.connect().summary(), r.credentials().summary());
  }

  /** N camera ids with random secrets and their bcrypt hashes, hashed on all cores. */
  private List<String[]> cameras(int n) throws Exception {
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    try {
      List<CompletableFuture<String[]>> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String id = String.format("storm-%06d", i);
        String secret = Secrets.cameraSecret();
        out.add(CompletableFuture.supplyAsync(() -> new String[] {id, secret,
            OpenBSDBCrypt.generate(secret.toCharArray(), Secrets.randomBytes(16), cost)}, pool));
      }
      List<String[]> cams = out.stream().map(CompletableFuture::join).toList();
      System.out.printf("made %d secrets and bcrypt hashes in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
      return cams;
    } finally {
      pool.shutdown();
    }
  }

  /**
   * The comparison, measured right before each storm because the machine's load changes: the time of N bare bcrypt
   * checks on 2 threads (credential-service's bcrypt pool), i.e. the floor of a cold storm, extrapolated from
   * {@value #BCRYPT_SAMPLE} checks.
   */
  private static double bareBcryptSeconds(List<String[]> cams) {
    List<String[]> sample = cams.subList(0, Math.min(cams.size(), BCRYPT_SAMPLE));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      long t0 = System.nanoTime();
      sample.stream().map(c -> CompletableFuture.supplyAsync(
              () -> OpenBSDBCrypt.checkPassword(c[2], c[1].toCharArray()), pool))
          .toList().forEach(CompletableFuture::join);
      double seconds = (System.nanoTime() - t0) / 1e9 * cams.size() / sample.size();
      System.out.printf("comparison: %d bare bcrypt checks on 2 threads take %.1f s now (%.0f checks/s)%n",
          cams.size(), seconds, cams.size() / seconds);
      return seconds;
    } finally {
      pool.shutdown();
    }
  }

  private static void insert(Vertx vertx, JsonObject config, List<String[]> cams) {
    Pool pool = Database.pool(vertx, CredentialConfig.fromJson(config).db());
    try {
      List<Tuple> rows = cams.stream().map(c -> Tuple.of(c[0], c[2], c[0])).toList();
      for (int i = 0; i < rows.size(); i += 1000) {
        await(pool.preparedQuery("INSERT INTO credential.devices (id, secret_hash, prefix) VALUES ($1, $2, $3)")
            .executeBatch(rows.subList(i, Math.min(rows.size(), i + 1000))));
      }
    } finally {
      await(pool.close());
    }
  }

  private static EmbeddedBroker startBroker(Vertx vertx, Path dir, int port) {
    return EmbeddedBroker.start(new BrokerOptions(dir.resolve("mqtt"), "127.0.0.1", port,
        (clientId, username, password) -> BrokerAuthClient.authenticate(vertx, clientId, username, password)
            .map(AuthDecision::of)
            .toCompletionStage()));
  }

  private static String deploy(Vertx vertx, JsonObject config) {
    // CredentialService deploys several verticles; a parent verticle lets the benchmark undeploy them together.
    return await(vertx.deployVerticle(new io.vertx.core.VerticleBase() {
      @Override
      public Future<?> start() {
        return CredentialService.deploy(vertx, CredentialConfig.fromJson(config));
      }
    }));
  }

  private JsonObject config(EmbeddedPostgres pg, int mqttPort) throws IOException {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", freePort()))
        .put("db", pg.dbSection().put("maxPoolSize", 8))
        .put("mqtt", new JsonObject().put("host", "127.0.0.1").put("port", mqttPort).put("username", SERVICE)
            .put("password", SERVICE_PASSWORD))
        .put("s3", new JsonObject().put("endpoint", "http://127.0.0.1:9").put("bucket", StorageDefaults.BUCKET))
        .put("adminToken", ADMIN_TOKEN)
        .put("serviceAccounts", new JsonObject().put(SERVICE, Sha256.hex(SERVICE_PASSWORD)))
        .put("auth", new JsonObject().put("bcryptCost", cost));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
