package io.ipchls.bench.credential;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.CredentialService;
import io.ipchls.credential.auth.SecretHashes;
import io.ipchls.credential.auth.Secrets;
import io.ipchls.credential.broker.BrokerAuthClient;
import io.ipchls.infra.AuthDecision;
import io.ipchls.infra.BrokerAuth;
import io.ipchls.infra.BrokerOptions;
import io.ipchls.infra.EmbeddedBroker;
import io.ipchls.infra.EmbeddedPostgres;
import io.ipchls.infra.ScratchDir;
import io.ipchls.kit.cluster.ClusterConfig;
import io.ipchls.kit.cluster.Clustering;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.CredentialRequest;
import io.ipchls.protocol.StorageDefaults;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
 * storage credentials over MQTT; the figure is the time until every camera holds credentials. Camera secrets are
 * stored as credential-service stores them since issue 15 (SHA-256 of the 256-bit secret). Measured three ways: the
 * first connect (fresh service, empty login cache), after a broker restart with credential-service still running
 * (login cache warm), and after restarting both (cold: every secret checked against the database). The comparisons of
 * the same run: the same storm with the broker letting everyone in without asking credential-service (the floor:
 * broker, clients and credential requests alone), the bare bcrypt time of N checks at the old scheme's cost on the
 * 2 threads credential-service gives bcrypt (what a cold storm cost before), and, with {@code --bcrypt-cameras M},
 * a cold storm of M cameras whose rows still hold bcrypt hashes (rehashed by that storm).
 *
 * <p>The cameras run in client processes ({@link StormFleet}), their sockets spread over loopback source addresses.
 * N is capped by the open files this process may hold: every camera costs one descriptor here (the broker's side of
 * its connection), and the cap and its reason are printed. Cameras are inserted straight into
 * {@code credential.devices} (the same rows the admin API writes) rather than through the API one by one. Everything
 * but the clients (PostgreSQL, HiveMQ, a one-member Hazelcast cluster, credential-service) runs in this process; the
 * clients share the machine's cores, so their own work is part of the figures.
 */
@Command(name = "ReconnectStorm", mixinStandardHelpOptions = true,
    description = "N cameras reconnect and fetch credentials at once; time to all credentialed.")
public final class ReconnectStorm implements Callable<Integer> {
  @Option(names = "--cameras", defaultValue = "50000",
      description = "number of cameras (default ${DEFAULT-VALUE}, capped by the open-file limit)")
  int cameras;

  @Option(names = "--bcrypt-cost", defaultValue = "" + CredentialConfig.DEFAULT_BCRYPT_COST,
      description = "bcrypt cost of the comparison (default ${DEFAULT-VALUE}, what secrets were stored with before)")
  int cost;

  @Option(names = "--bcrypt-cameras", defaultValue = "0",
      description = "also a cold storm of this many cameras still holding bcrypt hashes (default 0: skipped)")
  int bcryptCameras;

  @Option(names = "--deadline-seconds", defaultValue = "600", description = "give up a storm after this long")
  int deadlineSeconds;

  private static final int BCRYPT_SAMPLE = 200;
  /** Descriptors kept for all but the cameras (jars, PostgreSQL, HiveMQ's files, Hazelcast, retried connects). */
  private static final long RESERVED_FDS = 3000;
  private static final String ADMIN_TOKEN = "bench-admin-token-0123456789";
  private static final String SERVICE = "svc-credential";
  private static final String SERVICE_PASSWORD = "bench-service-password";

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReconnectStorm()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ScratchDir dir = ScratchDir.create("ipchls-storm-");
    boolean finished = false;
    try {
      Integer exit = call(dir.path());
      finished = true;
      return exit;
    } finally {
      // a failed storm's client logs (clients-<k>.log) say why; a finished one leaves nothing behind
      if (finished) dir.close();
      else System.out.println("storm failed: client logs and server data kept for inspection in " + dir);
    }
  }

  private Integer call(Path dir) throws Exception {
    int n = capByOpenFiles(cameras);
    System.out.printf("reconnect storm: %d cameras (asked %d), secrets stored as SHA-256, %d cores%n", n, cameras,
        Runtime.getRuntime().availableProcessors());
    List<String[]> cams = cameras(n);

    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("postgres"), 0)) {
      Vertx vertx = await(Clustering.start(new ClusterConfig("ipchls-storm-" + ProcessHandle.current().pid(),
          "127.0.0.1", 5801, List.of("127.0.0.1:5801"))));
      int mqttPort = freePort();
      JsonObject config = config(pg, mqttPort);
      EmbeddedBroker broker = startBroker(vertx, dir, mqttPort, /* auth= */ true);
      String deployment = deploy(vertx, config);
      insert(vertx, config, cams);
      StormFleet clients = new StormFleet("127.0.0.1", mqttPort, cams, deadlineSeconds, dir);

      StormClients.Result first = storm(clients, dir);
      clients.disconnectAll();

      long t0 = System.nanoTime();
      broker.close();
      broker = startBroker(vertx, dir, mqttPort, /* auth= */ true);
      System.out.printf("broker restart: %.1f s%n", (System.nanoTime() - t0) / 1e9);
      StormClients.Result warm = storm(clients, dir);
      clients.disconnectAll();

      await(vertx.undeploy(deployment));
      broker.close();
      broker = startBroker(vertx, dir, mqttPort, /* auth= */ true);
      deployment = deploy(vertx, config);
      StormClients.Result cold = storm(clients, dir);
      clients.disconnectAll();

      // The same cold storm with the requests at QoS 1, as the SDK sent them before (and other clients may).
      await(vertx.undeploy(deployment));
      broker.close();
      broker = startBroker(vertx, dir, mqttPort, /* auth= */ true);
      deployment = deploy(vertx, config);
      StormClients.Result coldQos1 = storm(clients, dir, 1);
      clients.disconnectAll();

      broker.close();
      broker = startBroker(vertx, dir, mqttPort, /* auth= */ false);
      StormClients.Result open = storm(clients, dir);
      clients.disconnectAll();

      double bcryptSeconds = bareBcryptSeconds(n, cost);
      System.out.printf("%n== %d cameras, load average %s ==%n", n, loadAverage());
      report("first connect (empty login cache)", first, open, bcryptSeconds);
      report("after broker restart, credential-service warm", warm, open, bcryptSeconds);
      report("after broker + credential-service restart (cold)", cold, open, bcryptSeconds);
      report("comparison: the same cold storm, requests at QoS 1 (the SDK before)", coldQos1, open, bcryptSeconds);
      System.out.printf("requests at QoS %d vs QoS 1, cold: all credentialed in %.1f s vs %.1f s (%.2f x), CPU %.2f vs"
              + " %.2f ms per camera%n", CredentialRequest.QOS, cold.credentialedSeconds(),
          coldQos1.credentialedSeconds(), coldQos1.credentialedSeconds() / cold.credentialedSeconds(),
          cpuOf.get(cold).total() * 1000 / n, cpuOf.get(coldQos1).total() * 1000 / n);
      report("comparison: broker without authentication", open, open, bcryptSeconds);
      System.out.printf("comparison: %d bare bcrypt checks (cost %d) on 2 threads: %.1f s%n", n, cost, bcryptSeconds);

      if (bcryptCameras > 0) {
        List<String[]> old = cams.subList(0, Math.min(bcryptCameras, cams.size()));
        toBcrypt(vertx, config, old);
        await(vertx.undeploy(deployment));
        broker.close();
        broker = startBroker(vertx, dir, mqttPort, /* auth= */ true);
        deployment = deploy(vertx, config);
        clients.close();
        clients = new StormFleet("127.0.0.1", mqttPort, old, deadlineSeconds, dir);
        StormClients.Result bcryptCold = storm(clients, dir);
        clients.disconnectAll();
        System.out.printf("comparison: cold storm of %d cameras still holding bcrypt hashes (cost %d; rehashed as they"
                + " log in): all credentialed in %.1f s = %.0f cameras/s, vs %.0f cameras/s for the SHA-256 cold storm"
                + " above (%.1f x faster); load average %s%n", old.size(), cost, bcryptCold.credentialedSeconds(),
            old.size() / bcryptCold.credentialedSeconds(), n / cold.credentialedSeconds(),
            (n / cold.credentialedSeconds()) / (old.size() / bcryptCold.credentialedSeconds()), loadAverage());
        System.out.printf("  all connected in %.1f s; %d connects refused (busy) and retried%n",
            bcryptCold.connectedSeconds(), bcryptCold.connectRefused());
      }

      clients.close();
      broker.close();
      await(vertx.close());
    }
    return 0;
  }

  /** The CPU time each part used in a storm, in seconds. */
  private record Cpu(double bench, double clients, double postgres) {
    Cpu minus(Cpu o) {
      return new Cpu(bench - o.bench, clients - o.clients, postgres - o.postgres);
    }

    double total() {
      return bench + clients + postgres;
    }
  }

  private final Map<StormClients.Result, Cpu> cpuOf = new IdentityHashMap<>();

  /** One storm, and the CPU time it cost: the figure that does not depend on what else the machine runs. */
  private StormClients.Result storm(StormFleet clients, Path dir) throws InterruptedException {
    return storm(clients, dir, CredentialRequest.QOS);
  }

  /** One storm whose cameras ask at {@code requestQos}, and the CPU time it cost. */
  private StormClients.Result storm(StormFleet clients, Path dir, int requestQos) throws InterruptedException {
    Cpu before = cpu(clients, dir);
    StormClients.Result r = clients.storm(requestQos);
    cpuOf.put(r, cpu(clients, dir).minus(before));
    return r;
  }

  private static Cpu cpu(StormFleet clients, Path dir) {
    double bench = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
    return new Cpu(bench, clients.cpuSeconds(), postgresCpuSeconds(dir.resolve("postgres")));
  }

  /**
   * PostgreSQL's CPU time: the postmaster's own and that of its children it has reaped (/proc/PID/stat utime, stime,
   * cutime, cstime), plus its live children's (the connections' backends).
   */
  private static double postgresCpuSeconds(Path dataDir) {
    try {
      long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      double ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
      double children = ProcessHandle.of(pid).map(p -> p.children().mapToDouble(c -> c.info().totalCpuDuration()
          .map(d -> d.toNanos() / 1e9).orElse(0.0)).sum()).orElse(0.0);
      return ticks / 100.0 + children; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private void report(String what, StormClients.Result r, StormClients.Result open, double bcryptSeconds) {
    System.out.printf("%s:%n  all %d credentialed in %.1f s (%.2f x the broker without authentication; %.3f x bare"
            + " bcrypt)%n  all connected in %.1f s: %d auth decisions = %.0f decisions/s; %d connects refused and"
            + " retried, %d error answers, %d requests unanswered within %d s and repeated%n"
            + "  connect latency %s%n  time to credentials %s%n"
            + "  CPU %.1f s = %.2f ms per camera (benchmark process: broker, credential-service, Hazelcast %.1f s;"
            + " clients %.1f s; PostgreSQL %.1f s); at that cost 50,000 cameras need %.0f CPU-seconds, at least"
            + " %.0f s on %d idle cores%n",
        what, r.cameras(), r.credentialedSeconds(), r.credentialedSeconds() / open.credentialedSeconds(),
        r.credentialedSeconds() / bcryptSeconds, r.connectedSeconds(), r.decisions(),
        r.decisions() / r.connectedSeconds(), r.connectRefused(), r.errorAnswers(), r.unanswered(),
        StormClients.ANSWER_TIMEOUT_MS / 1000, r.connect().summary(), r.credentials().summary(),
        cpuOf.get(r).total(), cpuOf.get(r).total() * 1000 / r.cameras(), cpuOf.get(r).bench(), cpuOf.get(r).clients(),
        cpuOf.get(r).postgres(), cpuOf.get(r).total() * 50_000 / r.cameras(),
        cpuOf.get(r).total() * 50_000 / r.cameras() / Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * The most cameras this process can hold: one descriptor each (the broker's side of the connection; the cameras'
   * own sockets are in the client processes), after the rest. bench/run raises the soft limit to the hard one.
   */
  private static int capByOpenFiles(int wanted) {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
      long max = os.getMaxFileDescriptorCount();
      long fit = max - os.getOpenFileDescriptorCount() - RESERVED_FDS;
      if (fit < wanted) {
        System.out.printf("open-file limit of this process: %d (ulimit -n; a hard limit is raised only with"
            + " CAP_SYS_RESOURCE), and the broker holds one descriptor per camera, so at most %d cameras fit ("
            + RESERVED_FDS + " kept for the rest); running %d, not %d%n", max, fit, fit, wanted);
        return (int) Math.max(1, fit);
      }
    }
    return wanted;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /** N camera ids with random secrets and the SHA-256 hashes credential-service stores. */
  private static List<String[]> cameras(int n) {
    List<String[]> cams = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String secret = Secrets.cameraSecret();
      cams.add(new String[] {String.format("storm-%06d", i), secret, SecretHashes.sha256(secret)});
    }
    return cams;
  }

  /**
   * The comparison with the scheme before issue 15: the time of N bare bcrypt checks at {@code cost} on 2 threads
   * (credential-service's bcrypt pool), extrapolated from {@value #BCRYPT_SAMPLE} checks.
   */
  private static double bareBcryptSeconds(int n, int cost) {
    List<String[]> sample = new ArrayList<>();
    for (int i = 0; i < BCRYPT_SAMPLE; i++) {
      String secret = Secrets.cameraSecret();
      sample.add(new String[] {secret, OpenBSDBCrypt.generate(secret.toCharArray(), Secrets.randomBytes(16), cost)});
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      long t0 = System.nanoTime();
      sample.stream().map(c -> CompletableFuture.supplyAsync(
              () -> OpenBSDBCrypt.checkPassword(c[1], c[0].toCharArray()), pool))
          .toList().forEach(CompletableFuture::join);
      return (System.nanoTime() - t0) / 1e9 * n / sample.size();
    } finally {
      pool.shutdown();
    }
  }

  /** Gives {@code cams} bcrypt hashes of their secrets, as rows written before issue 15 hold (hashed on all cores). */
  private void toBcrypt(Vertx vertx, JsonObject config, List<String[]> cams) {
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    List<Tuple> rows;
    try {
      rows = cams.stream().map(c -> CompletableFuture.supplyAsync(() -> Tuple.of(c[0],
              OpenBSDBCrypt.generate(c[1].toCharArray(), Secrets.randomBytes(16), cost)), pool))
          .toList().stream().map(CompletableFuture::join).toList();
    } finally {
      pool.shutdown();
    }
    Pool db = Database.pool(vertx, CredentialConfig.fromJson(config).db());
    try {
      for (int i = 0; i < rows.size(); i += 1000) {
        await(db.preparedQuery("UPDATE credential.devices SET secret_hash = $2, secret_scheme = 'bcrypt' "
            + "WHERE id = $1").executeBatch(rows.subList(i, Math.min(rows.size(), i + 1000))));
      }
    } finally {
      await(db.close());
    }
    System.out.printf("gave %d cameras bcrypt hashes (cost %d) in %.1f s%n", cams.size(), cost,
        (System.nanoTime() - t0) / 1e9);
  }

  private static void insert(Vertx vertx, JsonObject config, List<String[]> cams) {
    Pool pool = Database.pool(vertx, CredentialConfig.fromJson(config).db());
    try {
      List<Tuple> rows = cams.stream().map(c -> Tuple.of(c[0], c[2], c[0])).toList();
      for (int i = 0; i < rows.size(); i += 1000) {
        await(pool.preparedQuery("INSERT INTO credential.devices (id, secret_hash, secret_scheme, prefix) "
            + "VALUES ($1, $2, 'sha256', $3)")
            .executeBatch(rows.subList(i, Math.min(rows.size(), i + 1000))));
      }
    } finally {
      await(pool.close());
    }
  }

  /** With {@code auth}, every CONNECT is decided by credential-service; without, everyone is let in. */
  private static EmbeddedBroker startBroker(Vertx vertx, Path dir, int port, boolean auth) {
    return EmbeddedBroker.start(new BrokerOptions(dir.resolve("mqtt"), "127.0.0.1", port, !auth
        ? BrokerAuth.allowAllAsService()
        : BrokerAuth.withSource((clientId, username, password, source) -> BrokerAuthClient.authenticate(vertx,
                clientId, username, password, source)
            .map(AuthDecision::of)
            .toCompletionStage())));
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
        .put("auth", new JsonObject().put("bcryptCost", cost))
        // Each camera asks once per storm, and more when an answer is late; five storms in a few minutes would
        // exhaust the default bucket (5, then one a minute), and the figure is about logins, not the rate limit.
        .put("rateLimit", new JsonObject().put("burst", 1000));
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
