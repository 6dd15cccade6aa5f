package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.Routes;
import io.ipchls.playlist.ExportConfig;
import io.ipchls.playlist.auth.ViewerAuth;
import io.ipchls.playlist.db.ExportRepository;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.playlist.metering.PlaybackMeter;
import io.ipchls.playlist.s3.ExportStore;
import io.ipchls.playlist.s3.QueryPresigner;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Clip export jobs (issue 18 item 4): {@code POST /api/v1/cameras/{id}/exports?start=&end=} starts one (202, its URL in
 * {@code Location}), {@code GET /api/v1/cameras/{id}/exports/{exportId}} says how it stands and, once done, gives
 * presigned URLs of the MP4 and its manifest. A viewer token covering the camera is enough for both: the same right
 * as downloading {@code clip.mp4}. Jobs live in PostgreSQL, so any instance answers for any job. A job accepted is one
 * playback request of its camera ({@link ExportRunner} meters what it served once done); asking how a job stands is
 * not playback and counts nothing.
 */
final class ExportHandlers {
  /** How many expired jobs one sweep removes (one DeleteObjects request holds 1000 keys: two per job). */
  static final int SWEEP_BATCH = 500;

  private final Vertx vertx;
  private final ExportConfig cfg;
  private final SegmentRepository segments;
  private final ExportRepository jobs;
  private final ExportRunner runner;
  private final ExportStore store;
  private final QueryPresigner publicSigner;
  private final PlaybackMeter meter;
  private final Clock clock;

  ExportHandlers(Vertx vertx, ExportConfig cfg, SegmentRepository segments, ExportRepository jobs,
      ExportRunner runner, ExportStore store, QueryPresigner publicSigner, PlaybackMeter meter, Clock clock) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.segments = segments;
    this.jobs = jobs;
    this.runner = runner;
    this.store = store;
    this.publicSigner = publicSigner;
    this.meter = meter;
    this.clock = clock;
  }

  /** {@code start} and {@code end} as for {@code clip.mp4}; a range over the export limit is 413. */
  record ExportRequest(ClipRequest clip) {
    static ExportRequest from(String id, MultiMap params, Duration maxRange) {
      String cameraId = QueryParams.cameraId(id, "id");
      QueryParams.TimeRange range = QueryParams.range(params, Duration.ofDays(366));
      if (Duration.between(range.start(), range.end()).compareTo(maxRange) > 0) {
        throw new ApiException(413, "range_too_long",
            "an export may span at most " + maxRange.toMinutes() + " minutes (exports.maxRangeMinutes)");
      }
      return new ExportRequest(new ClipRequest(cameraId, range.start(), range.end()));
    }
  }

  void create(RoutingContext ctx) {
    ClipRequest req = ExportRequest.from(ctx.pathParam("id"), ctx.queryParams(),
        Duration.ofMinutes(cfg.maxRangeMinutes())).clip();
    ViewerAuth.scope(ctx).require(req.cameraId());
    UUID id = UUID.randomUUID();
    segments.overlapping(req.cameraId(), req.start(), req.end()).compose(list -> {
      if (list.isEmpty()) return noRecordings(req);
      return jobs.startIfRoom(id, req.cameraId(), req.start(), req.end(), cfg.retentionDays(), cfg.maxRunning(),
          cfg.maxRunMinutes()).compose(started -> {
            if (!started) {
              return Future.failedFuture(new ApiException(409, "too_many_exports", cfg.maxRunning()
                  + " exports are running (exports.maxRunning): try again when one has finished"));
            }
            meter.request(req.cameraId());
            runner.run(id, req, list); // runs on; its outcome goes to the job's row
            return jobs.get(id, cfg.maxRunMinutes());
          });
    }).onSuccess(job -> Routes.end(ctx.response().setStatusCode(202).putHeader("location", location(job))
            .putHeader("content-type", "application/json"), describe(job).encode()))
        .onFailure(ctx::fail);
  }

  void get(RoutingContext ctx) {
    String cameraId = QueryParams.cameraId(ctx.pathParam("id"), "id");
    UUID id = exportId(ctx.pathParam("exportId"));
    ViewerAuth.scope(ctx).require(cameraId);
    jobs.get(id, cfg.maxRunMinutes()).onSuccess(job -> {
      if (job == null || !job.cameraId().equals(cameraId)) {
        ctx.fail(ApiException.notFound("no export " + id + " of camera " + cameraId + " (expired ones are deleted)"));
        return;
      }
      Routes.end(ctx.response().putHeader("content-type", "application/json"), describe(job).encode());
    }).onFailure(ctx::fail);
  }

  /** Deletes expired jobs' objects, then their rows; how many jobs went. */
  Future<Integer> sweep() {
    return jobs.expired(SWEEP_BATCH).compose(expired -> {
      if (expired.isEmpty()) return Future.succeededFuture(0);
      List<String> keys = new ArrayList<>();
      for (ExportRepository.Expired e : expired) {
        if (e.mp4Key() != null) keys.add(e.mp4Key());
        if (e.manifestKey() != null) keys.add(e.manifestKey());
      }
      return vertx.executeBlocking(() -> {
        store.delete(keys);
        return null;
      }).compose(v -> jobs.delete(expired.stream().map(ExportRepository.Expired::id).toList()))
          .map(v -> expired.size());
    });
  }

  private Future<ExportRepository.Job> noRecordings(ClipRequest req) {
    return segments.cameraKnown(req.cameraId()).compose(known -> Future.failedFuture(known
        ? ApiException.notFound("nothing recorded between " + req.start() + " and " + req.end())
        : new ApiException(404, "unknown_camera", "unknown camera: " + req.cameraId())));
  }

  private static UUID exportId(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_export_id",
          "exportId must be the id a POST returned, got: " + QueryParams.abbreviate(raw));
    }
  }

  private static String location(ExportRepository.Job job) {
    return "/api/v1/cameras/" + job.cameraId() + "/exports/" + job.id();
  }

  /** The job as the API shows it; a finished one with presigned URLs valid for exports.urlSeconds. */
  private JsonObject describe(ExportRepository.Job job) {
    JsonObject out = new JsonObject().put("id", job.id().toString()).put("cameraId", job.cameraId())
        .put("start", job.start().toEpochMilli()).put("end", job.end().toEpochMilli()).put("state", job.state())
        .put("createdAt", job.createdAt().toEpochMilli()).put("expiresAt", job.expiresAt().toEpochMilli())
        .put("url", location(job));
    if (job.finishedAt() != null) out.put("finishedAt", job.finishedAt().toEpochMilli());
    if ("failed".equals(job.state())) out.put("error", job.error());
    if ("done".equals(job.state())) {
      Instant now = clock.instant();
      Duration lifetime = Duration.ofSeconds(cfg.urlSeconds());
      QueryPresigner.Batch urls = publicSigner.batch(now, lifetime);
      out.put("segmentCount", job.segmentCount())
          .put("mp4", new JsonObject().put("url", urls.url(job.mp4Key())).put("bytes", job.mp4Bytes())
              .put("sha256", job.mp4Sha256()))
          .put("manifest", new JsonObject().put("url", urls.url(job.manifestKey())))
          .put("urlsExpireAt", now.plus(lifetime).toEpochMilli());
    }
    return out;
  }
}
