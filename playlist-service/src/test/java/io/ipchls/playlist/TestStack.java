package io.ipchls.playlist;

import io.ipchls.infra.LocalStack;
import io.ipchls.ingest.indexing.SegmentRepository;
import io.ipchls.ingest.indexing.SegmentRow;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.config.S3Config;
import io.ipchls.kit.db.Database;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.playlist.PlaylistConfig.SegmentAccess;
import io.ipchls.playlist.PlaylistConfig.ViewerConfig;
import io.ipchls.playlist.auth.ViewerTokens;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
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
  /** A segment row plus the bytes stored for it. */
  /** A test segment; {@code restart} marks it as the first after the camera restarted its timestamps. */
  public record Seg(String cameraId, Instant start, int durationMs, String key, byte[] bytes, boolean restart) {
    public Seg(String cameraId, Instant start, int durationMs, String key, byte[] bytes) {
      this(cameraId, start, durationMs, key, bytes, /* restart= */ false);
    }

    /** The same segment, announced by the camera as the first of a new run (a restart). */
    public Seg asRestart() {
      return new Seg(cameraId, start, durationMs, key, bytes, /* restart= */ true);
    }
  }

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

  /** Viewer tokens are on, presigned links, live windows that only events move (no catch-up during a test). */
  public PlaylistConfig config(int maxReplayHours) {
    return config(maxReplayHours, SegmentAccess.PRESIGNED, false);
  }

  public PlaylistConfig config(int maxReplayHours, SegmentAccess access, boolean open) {
    return new PlaylistConfig(new HttpConfig("127.0.0.1", 0), db(), s3(), /* liveWindowSegments= */ 6,
        /* liveLookbackSeconds= */ 120, /* liveRefreshSeconds= */ 3600, /* liveTargetDurationSeconds= */ 4,
        /* presignSeconds= */ 3600, maxReplayHours,
        access, new ViewerConfig(open, JWT_SECRET, /* defaultTokenSeconds= */ 3600, /* maxTokenSeconds= */ 86_400),
        Sha256.hex(ADMIN_TOKEN), io.ipchls.playlist.CorsConfig.NONE);
  }

  /** The signing key of the tests' viewer tokens. */
  public static final String JWT_SECRET = "test-viewer-jwt-secret-0123456789abcdef";
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef0123456789";

  /** A viewer token for the cameras ("*" for all), signed with the tests' key. */
  public static String token(Vertx vertx, String... cameras) {
    return new ViewerTokens(vertx, JWT_SECRET, java.time.Clock.systemUTC()).mint("test", List.of(cameras), 3600).token();
  }

  /** ingest's and credential's own migrations create the tables playlist-service reads. */
  public void migrateIngest(Vertx vertx) {
    await(Database.migrate(vertx, db(), "ingest"));
    await(Database.migrate(vertx, db(), "credential"));
  }

  /** Registers a camera in credential's registry as the admin API would (the hash is never checked here). */
  public static void register(Pool pool, String cameraId) {
    await(pool.preparedQuery("INSERT INTO credential.devices (id, secret_hash, prefix) VALUES ($1, 'unused', $1)")
        .execute(Tuple.of(cameraId)));
  }

  /**
   * What ingest publishes after committing segments: the cameras and the segments themselves with their restart marks
   * and live numbers (as {@link #insert} returns them, or {@link #numbered}).
   */
  public static void announce(Vertx vertx, List<SegmentsIndexed.Entry> segments) {
    List<String> cameras = segments.stream().map(SegmentsIndexed.Entry::cameraId).distinct().toList();
    vertx.eventBus().publish(ClusterNames.SEGMENTS_INDEXED,
        ClusterMessages.toJson(new SegmentsIndexed(cameras, segments)));
  }

  /**
   * The segments as an event would carry them (restart marks included), numbered from {@code firstSequence}, all with
   * the discontinuity sequence number {@code discontinuity} (callers pass runs without restarts or gaps).
   */
  public static List<SegmentsIndexed.Entry> numbered(List<Seg> segments, long firstSequence, long discontinuity) {
    List<SegmentsIndexed.Entry> out = new ArrayList<>();
    for (Seg s : segments) {
      out.add(new SegmentsIndexed.Entry(s.cameraId(), s.start().toEpochMilli(), s.durationMs(), s.key(),
          s.restart() ? Boolean.TRUE : null, firstSequence + out.size(), discontinuity));
    }
    return out;
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

  /**
   * Indexes the segments exactly as ingest does (segments, live numbers, recordings by the default recording gap
   * rule); returns the new ones as ingest's event carries them.
   */
  public static List<SegmentsIndexed.Entry> insert(Pool pool, List<Seg> segments) {
    return insert(pool, segments, /* targetSeconds= */ null);
  }

  /**
   * The same, from a camera that announces it is configured for segments of {@code targetSeconds} (null: it says
   * nothing, as older cameras).
   */
  public static List<SegmentsIndexed.Entry> insert(Pool pool, List<Seg> segments, Integer targetSeconds) {
    List<SegmentRow> rows = new ArrayList<>();
    long seq = 0;
    for (Seg s : segments) {
      OffsetDateTime start = s.start().atOffset(ZoneOffset.UTC);
      rows.add(new SegmentRow(s.cameraId(), start, s.durationMs(), s.key(), s.bytes().length, null, seq++,
          "avc1.42e01e", /* width= */ 640, /* height= */ 360, start, /* clockJump= */ false,
          /* discontinuity= */ s.restart(), SegmentNotification.CONTAINER_TS, /* initKey= */ null,
          /* frameRate= */ null, targetSeconds));
    }
    return await(new SegmentRepository(pool, RecordingGapRule.DEFAULT).insertAndApplyGapRule(rows)).segments();
  }

  /** An S3 client of the stack's bucket with the root key (close it after use). */
  public S3Client rootS3() {
    return S3Client.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(stack.s3().endpoint())
        .region(Region.of(stack.s3().region()))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.options().s3AccessKey(), stack.options().s3SecretKey())))
        .build();
  }

  /** Stores the segments' bytes with the root key, as a camera's upload would have. */
  public void upload(List<Seg> segments) {
    try (S3Client s3 = rootS3()) {
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
