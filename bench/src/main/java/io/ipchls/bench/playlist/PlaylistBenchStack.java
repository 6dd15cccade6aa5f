package io.ipchls.bench.playlist;

import io.ipchls.infra.EmbeddedPostgres;
import io.ipchls.infra.EmbeddedS3;
import io.ipchls.infra.S3Options;
import io.ipchls.infra.ScratchDir;
import io.ipchls.ingest.indexing.SegmentRepository;
import io.ipchls.ingest.indexing.SegmentRow;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.config.S3Config;
import io.ipchls.kit.db.Database;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.playlist.CorsConfig;
import io.ipchls.playlist.PlaylistConfig;
import io.ipchls.playlist.PlaylistConfig.SegmentAccess;
import io.ipchls.playlist.PlaylistConfig.ViewerConfig;
import io.ipchls.playlist.auth.ViewerTokens;
import io.ipchls.playlist.http.PlaylistHttpVerticle;
import io.ipchls.protocol.StorageDefaults;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Embedded PostgreSQL + S3 server and one playlist-service, as the playlist benchmarks need them. */
final class PlaylistBenchStack implements AutoCloseable {
  static final String JWT_SECRET = "bench-viewer-jwt-secret-0123456789abcdef";
  static final String ACCESS_KEY = "BENCHROOT0000000000";
  static final String SECRET_KEY = "bench-secret-key-0123456789";

  final ScratchDir dir;
  final EmbeddedPostgres pg;
  final EmbeddedS3 s3;
  final Vertx vertx;
  final DbConfig db;
  final S3Config s3Config;
  final Pool pool;
  PlaylistHttpVerticle playlist;

  /** Everything lives in a temporary directory that {@link #close()} deletes, also when starting fails. */
  PlaylistBenchStack() {
    dir = ScratchDir.create("ipchls-bench");
    try {
      pg = EmbeddedPostgres.start(dir.resolve("pg"), 0);
      s3 = EmbeddedS3.start(new S3Options(dir.resolve("s3"), "127.0.0.1", 0, StorageDefaults.BUCKET,
          StorageDefaults.REGION, ACCESS_KEY, SECRET_KEY, key -> Optional.empty()));
      vertx = Vertx.vertx(new VertxOptions());
      db = new DbConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(), 8);
      s3Config = new S3Config(s3.endpoint().toString(), s3.endpoint().toString(), StorageDefaults.REGION,
          StorageDefaults.BUCKET, /* pathStyle= */ true, ACCESS_KEY, SECRET_KEY);
      await(Database.migrate(vertx, db, "ingest"));
      await(Database.migrate(vertx, db, "credential"));
      pool = Database.pool(vertx, db);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** Deploys playlist-service with viewer tokens on, presigned links, 6-segment live windows. */
  int startPlaylist() {
    playlist = startPlaylist(vertx);
    return playlist.port();
  }

  /** The same playlist-service on another (e.g. clustered) Vert.x. */
  PlaylistHttpVerticle startPlaylist(Vertx on) {
    PlaylistConfig cfg = new PlaylistConfig(new HttpConfig("127.0.0.1", 0), db, s3Config,
        PlaylistConfig.LIVE_WINDOW_SEGMENTS.defaultValue(), PlaylistConfig.LIVE_LOOKBACK_SECONDS.defaultValue(),
        PlaylistConfig.LIVE_REFRESH_SECONDS.defaultValue(), PlaylistConfig.LIVE_TARGET_DURATION_SECONDS.defaultValue(),
        PlaylistConfig.PRESIGN_SECONDS.defaultValue(),
        PlaylistConfig.MAX_REPLAY_HOURS.defaultValue(), SegmentAccess.PRESIGNED,
        new ViewerConfig(/* open= */ false, JWT_SECRET, /* defaultTokenSeconds= */ 3600, /* maxTokenSeconds= */ 86_400),
        Sha256.hex("bench-admin-token-0123456789abcdef0123"), CorsConfig.NONE);
    PlaylistHttpVerticle verticle = new PlaylistHttpVerticle(cfg);
    await(on.deployVerticle(verticle));
    return verticle;
  }

  String token() {
    return new ViewerTokens(vertx, JWT_SECRET, Clock.systemUTC()).mint("bench", List.of("*"), 3600).token();
  }

  S3Client s3Client() {
    return S3Client.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(s3.endpoint())
        .region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  void register(List<String> cameras) {
    List<Tuple> rows = new ArrayList<>();
    for (String c : cameras) rows.add(Tuple.of(c, c));
    await(pool.preparedQuery("INSERT INTO credential.devices (id, secret_hash, prefix) VALUES ($1, 'bench', $2)")
        .executeBatch(rows));
  }

  /** One segment row as ingest writes it (only the columns playback reads, the rest default). */
  record Row(String camera, Instant start, int durationMs, String key, long bytes) {}

  /** Indexes rows exactly as ingest does (segments and recordings), in batches of 1000. */
  void insert(List<Row> rows) {
    SegmentRepository repo = new SegmentRepository(pool, RecordingGapRule.DEFAULT);
    for (int i = 0; i < rows.size(); i += 1000) {
      List<SegmentRow> batch = new ArrayList<>();
      for (Row r : rows.subList(i, Math.min(rows.size(), i + 1000))) {
        OffsetDateTime start = r.start().atOffset(ZoneOffset.UTC);
        batch.add(new SegmentRow(r.camera(), start, r.durationMs(), r.key(), r.bytes(), null, i + batch.size(),
            "avc1.42e01e", /* width= */ 1920, /* height= */ 1080, start, /* clockJump= */ false,
            /* discontinuity= */ false));
      }
      await(repo.insertAndApplyGapRule(batch));
    }
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (vertx != null) await(vertx.close());
    } finally {
      try {
        if (s3 != null) s3.close();
        if (pg != null) pg.close();
      } finally {
        dir.close();
      }
    }
  }
}
