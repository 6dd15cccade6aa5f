package io.ipchls.bench.playlist;

import io.ipchls.bench.Latencies;
import io.ipchls.kit.cluster.ClusterConfig;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.cluster.Clustering;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Live playlists under load: N cameras recording (ingest's events move their windows every 3 s), viewers polling
 * random cameras' live playlists at a fixed rate. Latency is measured from each request's scheduled send time (open
 * loop, so a stall is not hidden by the generator waiting). The comparison in the same run is the same playlist
 * answered the way live worked before ingest's events fed it: a database query per request (a replay of six of the
 * camera's segments). Then the most requests/s both can take. Then the same live load against two playlist
 * instances on a two-member Hazelcast cluster in this JVM, whose windows live in the cluster map (both instances
 * apply every event through entry processors), against the in-memory windows of a plain Vert.x measured first.
 */
@Command(name = "LivePlaylistLoad", mixinStandardHelpOptions = true)
public final class LivePlaylistLoad implements Runnable {
  private static final String CLUSTER_SECRET = "dGVzdC1jbHVzdGVyLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";
  @Option(names = "--cameras", defaultValue = "1000") int cameras;
  @Option(names = "--rate", defaultValue = "2000", description = "requests per second") int rate;
  @Option(names = "--seconds", defaultValue = "20") int seconds;
  @Option(names = "--connections", defaultValue = "32") int connections;

  private Vertx vertx;
  /** The event loop the load generator's requests are made on. */
  private io.vertx.core.Context generator;
  /** When the inserted segments start: 10 per camera, 3 s each. */
  private Instant t0;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LivePlaylistLoad()).execute(args));
  }

  @Override
  public void run() {
    try (PlaylistBenchStack stack = new PlaylistBenchStack()) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < cameras; i++) ids.add(String.format("cam-%05d", i));
      stack.register(ids);
      t0 = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
      List<PlaylistBenchStack.Row> rows = new ArrayList<>();
      for (String id : ids) {
        for (int s = 0; s < 10; s++) {
          Instant start = t0.plusMillis(3000L * s);
          rows.add(new PlaylistBenchStack.Row(id, start, /* durationMs= */ 3000, ObjectKeys.segmentKey(id, start, s),
              /* bytes= */ 500_000));
        }
      }
      stack.insert(rows);
      int port = stack.startPlaylist();
      String auth = "Bearer " + stack.token();
      vertx = stack.vertx;
      generator = vertx.getOrCreateContext();
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(connections));
      long feed = vertx.setPeriodic(3000, t -> announceNextSegments(vertx, ids));

      for (String id : ids) {
        String path = "/playlist.m3u8?camera_id=" + id;
        PlaylistBenchStack.await(get(client, port, path, auth).recover(e -> get(client, port, path, auth)));
      }
      System.out.printf("%d cameras, %d live windows loaded; warming up...%n", cameras, ids.size());
      fixedRate(client, port, auth, ids, /* live= */ true, rate, /* durationSeconds= */ 5);

      Result live = fixedRate(client, port, auth, ids, /* live= */ true, rate, seconds);
      Result db = fixedRate(client, port, auth, ids, /* live= */ false, rate, seconds);
      double liveMax = saturate(client, port, auth, ids, /* live= */ true, /* secs= */ 10);
      double dbMax = saturate(client, port, auth, ids, /* live= */ false, /* secs= */ 10);
      vertx.cancelTimer(feed);

      // the same live load on two clustered playlist instances (windows in the Hazelcast map)
      String clusterName = "ipchls-bench-live-" + ProcessHandle.current().pid();
      List<String> members = List.of("127.0.0.1:5971", "127.0.0.1:5972");
      Vertx member1 = PlaylistBenchStack.await(Clustering.start(new ClusterConfig(clusterName, "127.0.0.1", 5971,
          members, CLUSTER_SECRET)));
      Vertx member2 = PlaylistBenchStack.await(Clustering.start(new ClusterConfig(clusterName, "127.0.0.1", 5972,
          members, CLUSTER_SECRET)));
      int clusteredPort = stack.startPlaylist(member1).port();
      int otherPort = stack.startPlaylist(member2).port();
      long clusterFeed = member1.setPeriodic(3000, t -> announceNextSegments(member1, ids));
      for (String id : ids) {
        String path = "/playlist.m3u8?camera_id=" + id;
        PlaylistBenchStack.await(get(client, clusteredPort, path, auth));
        PlaylistBenchStack.await(get(client, otherPort, path, auth));
      }
      fixedRate(client, clusteredPort, auth, ids, /* live= */ true, rate, /* durationSeconds= */ 5);
      Result clustered = fixedRate(client, clusteredPort, auth, ids, /* live= */ true, rate, seconds);
      double clusteredMax = saturate(client, clusteredPort, auth, ids, /* live= */ true, /* secs= */ 10);
      member1.cancelTimer(clusterFeed);
      PlaylistBenchStack.await(member2.close());
      PlaylistBenchStack.await(member1.close());

      System.out.printf("%nlive playlist, %d cameras, %d req/s offered for %d s (generator in the same JVM):%n",
          cameras, rate, seconds);
      System.out.printf("  live playlist      %.0f req/s done, errors %d, %s%n", live.rps, live.errors,
          live.latencies.summary());
      System.out.printf("  query per request  %.0f req/s done, errors %d, %s%n", db.rps, db.errors,
          db.latencies.summary());
      System.out.printf("  p99 ratio live/query: %.2f%n", live.latencies.percentileMillis(0.99)
          / db.latencies.percentileMillis(0.99));
      System.out.printf("  most req/s with %d connections: live %.0f, query per request %.0f (ratio %.2f)%n",
          connections, liveMax, dbMax, liveMax / dbMax);
      System.out.printf("  live, cluster map (2 instances) %.0f req/s done, errors %d, %s%n", clustered.rps,
          clustered.errors, clustered.latencies.summary());
      System.out.printf("  p99 ratio cluster map / in-memory: %.2f; most req/s cluster map %.0f (ratio %.2f)%n",
          clustered.latencies.percentileMillis(0.99) / live.latencies.percentileMillis(0.99), clusteredMax,
          clusteredMax / liveMax);
    }
  }

  private record Result(double rps, long errors, Latencies latencies) {}

  /** Each camera's next live number: its 10 indexed rows have 0..9. */
  private static final AtomicLong NEXT_NUMBER = new AtomicLong(10);

  /** Announces one new segment per camera, as ingest does after committing them, with its live numbers. */
  private static void announceNextSegments(Vertx vertx, List<String> ids) {
    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    long number = NEXT_NUMBER.getAndIncrement();
    List<SegmentsIndexed.Entry> segments = ids.stream()
        .map(id -> new SegmentsIndexed.Entry(id, start.toEpochMilli(), /* durationMs= */ 3000,
            ObjectKeys.segmentKey(id, start, 0), /* discontinuity= */ null,
            number, /* discontinuitySequence= */ 0L))
        .toList();
    vertx.eventBus().publish(ClusterNames.SEGMENTS_INDEXED, ClusterMessages.toJson(new SegmentsIndexed(ids, segments)));
  }

  private Result fixedRate(HttpClient client, int port, String auth, List<String> ids, boolean live, int perSecond,
      int durationSeconds) {
    long total = (long) perSecond * durationSeconds;
    Latencies latencies = new Latencies((int) total);
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch((int) total);
    long startNs = System.nanoTime();
    AtomicLong sent = new AtomicLong();
    long timer = vertx.setPeriodic(1, t -> {
      long due = Math.min(total, (System.nanoTime() - startNs) * perSecond / 1_000_000_000L);
      while (sent.get() < due) {
        long n = sent.getAndIncrement();
        long scheduled = startNs + n * 1_000_000_000L / perSecond;
        String path = path(ids, live);
        get(client, port, path, auth).onComplete(ar -> {
          if (ar.failed()) errors.incrementAndGet();
          latencies.record(System.nanoTime() - scheduled);
          done.countDown();
        });
      }
    });
    try {
      done.await(durationSeconds + 60L, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    vertx.cancelTimer(timer);
    double elapsed = (System.nanoTime() - startNs) / 1e9;
    return new Result(latencies.size() / elapsed, errors.get(), latencies);
  }

  private double saturate(HttpClient client, int port, String auth, List<String> ids, boolean live, int secs) {
    AtomicLong completed = new AtomicLong();
    long end = System.nanoTime() + secs * 1_000_000_000L;
    CountDownLatch workers = new CountDownLatch(connections * 2);
    for (int i = 0; i < connections * 2; i++) loop(client, port, auth, ids, live, end, completed, workers);
    try {
      workers.await(secs + 60L, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return completed.get() / (double) secs;
  }

  private void loop(HttpClient client, int port, String auth, List<String> ids, boolean live, long end,
      AtomicLong completed, CountDownLatch workers) {
    if (System.nanoTime() >= end) {
      workers.countDown();
      return;
    }
    get(client, port, path(ids, live), auth).onComplete(ar -> {
      if (ar.succeeded()) completed.incrementAndGet();
      loop(client, port, auth, ids, live, end, completed, workers);
    });
  }

  private String path(List<String> ids, boolean live) {
    String camera = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    if (live) return "/playlist.m3u8?camera_id=" + camera;
    return "/replay.m3u8?camera_id=" + camera + "&start=" + t0.plusSeconds(12) + "&end=" + t0.plusSeconds(30);
  }

  /** One GET, issued on the generator's own event loop (the client is not used from foreign threads). */
  private io.vertx.core.Future<Integer> get(HttpClient client, int port, String path, String auth) {
    io.vertx.core.Promise<Integer> result = io.vertx.core.Promise.promise();
    generator.runOnContext(v -> send(client, port, path, auth).onComplete(result));
    return result.future();
  }

  private static io.vertx.core.Future<Integer> send(HttpClient client, int port, String path, String auth) {
    // a request that gets no answer in 10 s fails (counted as an error) instead of hanging the generator
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setPort(port).setHost("127.0.0.1")
            .setURI(path).setIdleTimeout(10_000))
        .compose(req -> req.putHeader("Authorization", auth).send())
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) throw new IllegalStateException("HTTP " + resp.statusCode() + " " + b);
          return b.length();
        }));
  }
}
