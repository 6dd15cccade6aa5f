package io.ipchls.ingest.retention;

import static io.ipchls.ingest.IngestTestSupport.await;

import io.ipchls.infra.Await;
import io.ipchls.infra.LocalStack;
import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.indexing.SegmentRepository;
import io.ipchls.ingest.indexing.SegmentRow;
import io.ipchls.ingest.retention.RetentionSweepVerticle.Sweep;
import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.ingest.shared.RecordingGapRule;
import io.ipchls.kit.http.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The real parts of a retention test: the shared embedded PostgreSQL and bucket, rows written the way ingest writes
 * them, objects really uploaded, and a sweeper (default retention {@value #DEFAULT_DAYS} days) whose sweeps are run
 * on demand.
 */
final class RetentionFixture implements AutoCloseable {
  static final long DAY_S = 86_400;
  static final int DEFAULT_DAYS = 7;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  final LocalStack stack = LocalStack.sharedForTests();
  final IngestTestSupport support;
  private final Vertx vertx;
  private final S3Client s3;
  private RetentionSweepVerticle sweeper;
  private String deploymentId;

  RetentionFixture(Vertx vertx) {
    this.vertx = vertx;
    this.support = new IngestTestSupport(vertx, new JsonObject().put("s3", IngestTestSupport.s3Json(stack))).migrate();
    this.s3 = IngestTestSupport.s3Client(stack);
  }

  /** A segment row of {@code camera} at {@code start} naming {@code key}, its object uploaded. */
  SegmentRow segment(String camera, Instant start, String key) {
    OffsetDateTime at = start.atOffset(ZoneOffset.UTC);
    byte[] bytes = body(key);
    SegmentRow row = new SegmentRow(camera, at, /* durationMs= */ 3_000, key, bytes.length, null, /* seq= */ 1,
        "h264", /* width= */ 640, /* height= */ 360, at, /* clockJump= */ false,
        /* discontinuity= */ false);
    await(new SegmentRepository(support.pool, RecordingGapRule.DEFAULT).insertAndApplyGapRule(List.of(row)));
    support.putObject(key, bytes);
    return row;
  }

  /** An fMP4 segment row of {@code camera} at {@code start} naming {@code key} and {@code init}, both uploaded. */
  SegmentRow fmp4Segment(String camera, Instant start, String key, String init) {
    OffsetDateTime at = start.atOffset(ZoneOffset.UTC);
    byte[] bytes = body(key);
    SegmentRow row = new SegmentRow(camera, at, /* durationMs= */ 3_000, key, bytes.length, null, /* seq= */ 1,
        "avc1.64001f", /* width= */ 640, /* height= */ 360, at, /* clockJump= */ false, /* discontinuity= */ false,
        "fmp4", init, /* frameRate= */ 25.0);
    await(new SegmentRepository(support.pool, RecordingGapRule.DEFAULT).insertAndApplyGapRule(List.of(row)));
    support.putObject(key, bytes);
    support.putObject(init, body(init));
    return row;
  }

  /** A TS segment row with a thumbnail, both objects uploaded. */
  SegmentRow segmentWithThumbnail(String camera, Instant start, String key, String thumbnail) {
    OffsetDateTime at = start.atOffset(ZoneOffset.UTC);
    byte[] bytes = body(key);
    SegmentRow row = new SegmentRow(camera, at, /* durationMs= */ 3_000, key, bytes.length, null, /* seq= */ 1,
        "avc1.64001f", /* width= */ 640, /* height= */ 360, at, /* clockJump= */ false, /* discontinuity= */ false,
        "ts", /* initKey= */ null, /* frameRate= */ 25.0, /* targetSeconds= */ null, /* keyFrameOffset= */ 0L, (long) bytes.length, thumbnail);
    await(new SegmentRepository(support.pool, RecordingGapRule.DEFAULT).insertAndApplyGapRule(List.of(row)));
    support.putObject(key, bytes);
    support.putObject(thumbnail, body(thumbnail));
    return row;
  }

  void setRetention(String camera, int days) {
    await(support.pool.preparedQuery("INSERT INTO ingest.camera_settings (camera_id, retention_days) VALUES ($1, $2)")
        .execute(Tuple.of(camera, days)));
  }

  /** A daily partition of {@code ingest.segments} for {@code day} (made before rows of that day are written). */
  String createPartition(LocalDate day) {
    String name = "ingest.segments_" + DateTimeFormatter.BASIC_ISO_DATE.format(day);
    await(support.pool.query("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF ingest.segments FOR VALUES FROM ('"
        + day + " 00:00:00+00') TO ('" + day.plusDays(1) + " 00:00:00+00')").execute());
    return name;
  }

  boolean partitionExists(String name) {
    return await(support.pool.preparedQuery("SELECT to_regclass($1)::text").execute(Tuple.of(name)))
        .iterator().next().getString(0) != null;
  }

  /** One whole sweep that ran (a sweep of another instance holding the lock is waited out). */
  Sweep sweep() {
    if (sweeper == null) {
      var config = new RetentionConfig(support.config.s3(), DEFAULT_DAYS, /* sweepIntervalSeconds= */ 3600);
      sweeper = new RetentionSweepVerticle(config, new IngestPools(support.config.db()),
          new IngestMetrics(new Metrics().registry()));
      deploymentId = await(vertx.deployVerticle(sweeper)); // it sweeps once at start-up as well
    }
    return Await.until("a sweep", DEADLINE, () -> await(sweeper.sweep()), s -> !s.skipped());
  }

  boolean rowExists(SegmentRow row) {
    return await(support.pool.preparedQuery(
        "SELECT 1 FROM ingest.segments WHERE camera_id = $1 AND start_at = $2 AND object_key = $3")
        .execute(Tuple.of(row.cameraId(), row.startAt(), row.objectKey()))).size() == 1;
  }

  /** The object's bytes, or null when the store answers 404. */
  byte[] object(String key) {
    try {
      return s3.getObjectAsBytes(r -> r.bucket(stack.s3().bucket()).key(key)).asByteArray();
    } catch (NoSuchKeyException e) {
      return null;
    }
  }

  static byte[] body(String key) {
    return ("object " + key).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    s3.close();
    if (deploymentId != null) await(vertx.undeploy(deploymentId));
  }
}
