package io.ipchls.playlist;

import io.ipchls.infra.LocalStack;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.config.S3Config;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.ObjectKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The shared embedded stack seen from playlist-service's tests: config, ingest's table, rows and objects. */
public final class TestStack {
  static final String INSERT = """
      INSERT INTO ingest.segments (camera_id, start_at, duration_ms, object_key, bytes, seq, device_time)
      VALUES ($1, $2, $3, $4, $5, $6, $2)""";

  /** A segment row plus the bytes stored for it. */
  public record Seg(String cameraId, Instant start, int durationMs, String key, byte[] bytes) {}

  public final LocalStack stack = LocalStack.sharedForTests();

  /** A fresh camera id so tests sharing the database never see each other's rows. */
  public static String camera(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public DbConfig db() {
    var pg = stack.postgres();
    return new DbConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(), 4);
  }

  public S3Config s3() {
    var s3 = stack.s3();
    var o = stack.options();
    return new S3Config(s3.endpoint().toString(), s3.endpoint().toString(), s3.region(), s3.bucket(), true,
        o.s3AccessKey(), o.s3SecretKey());
  }

  public PlaylistConfig config(int maxReplayHours) {
    return new PlaylistConfig(new HttpConfig("127.0.0.1", 0), db(), s3(), 6, 120, 3600, maxReplayHours);
  }

  /** ingest's own migration creates the table playlist-service reads. */
  public void migrateIngest(Vertx vertx) {
    await(Database.migrate(vertx, db(), "ingest"));
  }

  /** Contiguous segments starting at {@code start}, with the given durations. */
  public static List<Seg> contiguous(String cameraId, Instant start, int... durationsMs) {
    List<Seg> out = new ArrayList<>();
    Instant t = start.truncatedTo(ChronoUnit.MILLIS);
    for (int d : durationsMs) {
      byte[] bytes = new byte[1000 + ThreadLocalRandom.current().nextInt(3000)];
      ThreadLocalRandom.current().nextBytes(bytes);
      out.add(new Seg(cameraId, t, d, ObjectKeys.segmentKey(cameraId, t, out.size()), bytes));
      t = t.plusMillis(d);
    }
    return out;
  }

  public static void insert(Pool pool, List<Seg> segments) {
    List<Tuple> rows = new ArrayList<>();
    long seq = 0;
    for (Seg s : segments) {
      rows.add(Tuple.of(s.cameraId(), s.start().atOffset(ZoneOffset.UTC), s.durationMs(), s.key(),
          (long) s.bytes().length, seq++));
    }
    await(pool.preparedQuery(INSERT).executeBatch(rows));
  }

  /** Stores the segments' bytes with the root key, as a camera's upload would have. */
  public void upload(List<Seg> segments) {
    try (S3Client s3 = S3Client.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(stack.s3().endpoint())
        .region(Region.of(stack.s3().region()))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.options().s3AccessKey(), stack.options().s3SecretKey())))
        .build()) {
      for (Seg s : segments) {
        s3.putObject(r -> r.bucket(stack.s3().bucket()).key(s.key()), RequestBody.fromBytes(s.bytes()));
      }
    }
  }

  /** Blocks the test thread (never an event loop) until the future completes. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("operation failed: " + e, e);
    }
  }
}
