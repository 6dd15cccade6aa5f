package io.ipchls.playlist.http;

import io.ipchls.kit.http.AdminCaller;
import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.registry.CameraRegistryReader;
import io.ipchls.kit.http.Routes;
import io.ipchls.playlist.PlaylistConfig;
import io.ipchls.playlist.auth.ViewerAuth;
import io.ipchls.playlist.auth.ViewerScope;
import io.ipchls.playlist.auth.ViewerTokens;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.playlist.db.SegmentRepository.CameraRow;
import io.ipchls.playlist.db.SegmentRepository.Recording;
import io.ipchls.playlist.db.SegmentRepository.Span;
import io.ipchls.kit.hls.HlsPlaylist;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The JSON APIs apps build on: the camera list with online state, a camera's recordings (the 180 s rule, paged, like
 * Aliyun's DescribeRecordFiles), its timeline of recorded spans and gaps, and minting viewer tokens (admin). Times are
 * UTC epoch milliseconds, as everywhere in ipc-hls's JSON.
 */
final class ApiHandlers {
  static final int MAX_PAGE_SIZE = 1000;

  private final PlaylistConfig cfg;
  private final SegmentRepository segments;
  private final ViewerTokens tokens;
  private final CameraRegistryReader registry;
  private final Clock clock;

  /** @param tokens null when viewer tokens are off (open mode) */
  ApiHandlers(PlaylistConfig cfg, SegmentRepository segments, ViewerTokens tokens, CameraRegistryReader registry,
      Clock clock) {
    this.cfg = cfg;
    this.segments = segments;
    this.tokens = tokens;
    this.registry = registry;
    this.clock = clock;
  }

  /** {@code GET /api/v1/cameras?limit=&after=}: the cameras the viewer may see, in id order. */
  void cameras(RoutingContext ctx) {
    respond(ctx, () -> {
      var params = ctx.queryParams();
      int limit = QueryParams.integer(params, "limit", /* def= */ 100, /* min= */ 1, MAX_PAGE_SIZE);
      String after = params.get("after") == null ? "" : QueryParams.cameraId(params.get("after"), "after");
      ViewerScope scope = ViewerAuth.scope(ctx);
      List<String> only = scope.all() ? null : List.copyOf(scope.cameras());
      Instant onlineSince = clock.instant().minusSeconds(cfg.liveLookbackSeconds());
      return segments.cameras(only, after, limit).map(rows -> {
        JsonArray list = new JsonArray();
        for (CameraRow r : rows) {
          Instant lastEnd = r.lastSegmentEnd();
          list.add(new JsonObject().put("id", r.id()).put("enabled", r.enabled())
              .put("online", lastEnd != null && lastEnd.isAfter(onlineSince))
              .put("lastSegmentStart", millis(r.lastSegmentStart())).put("lastSegmentEnd", millis(lastEnd))
              .put("liveUrl", "/playlist.m3u8?camera_id=" + r.id()));
        }
        String next = rows.size() == limit ? rows.get(rows.size() - 1).id() : null;
        return new JsonObject().put("cameras", list).put("next", next);
      });
    });
  }

  /**
   * {@code GET /api/v1/cameras/:id/recordings?start=&end=&page=&pageSize=}: the recordings overlapping the range (as
   * ingest keeps them: runs of segments whose gaps are at most 180 s), whole, each with a replay playlist URL.
   */
  void recordings(RoutingContext ctx) {
    respond(ctx, () -> {
      String camera = cameraParam(ctx);
      QueryParams.TimeRange range = QueryParams.range(ctx.queryParams(), maxRange());
      int page = QueryParams.integer(ctx.queryParams(), "page", /* def= */ 1, /* min= */ 1, /* max= */ 1_000_000);
      int pageSize = QueryParams.integer(ctx.queryParams(), "pageSize", /* def= */ 20, /* min= */ 1,
          MAX_PAGE_SIZE);
      return segments.recordings(camera, range.start(), range.end(), (page - 1) * pageSize, pageSize)
          .compose(result -> knownUnless(result.total() > 0, camera, result))
          .map(result -> {
            JsonArray list = new JsonArray();
            for (Recording r : result.recordings()) {
              list.add(new JsonObject().put("id", r.id()).put("start", r.start().toEpochMilli())
                  .put("end", r.end().toEpochMilli()).put("durationMs", Duration.between(r.start(), r.end()).toMillis())
                  .put("segments", r.segments()).put("bytes", r.bytes())
                  .put("playlistUrl", replayUrl(camera, r.start(), r.end())));
            }
            return new JsonObject().put("cameraId", camera).put("total", result.total()).put("page", page)
                .put("pageSize", pageSize).put("recordings", list);
          });
    });
  }

  /**
   * {@code GET /api/v1/cameras/:id/timeline?start=&end=}: recorded spans (segments that play on without a
   * discontinuity) and the gaps between them, clipped to the range, ready for a timeline bar. The part of the range
   * in the future is neither.
   */
  void timeline(RoutingContext ctx) {
    respond(ctx, () -> {
      String camera = cameraParam(ctx);
      QueryParams.TimeRange range = QueryParams.range(ctx.queryParams(), maxRange());
      return segments.spans(camera, range.start(), range.end(), HlsPlaylist.CONTINUITY_TOLERANCE_MS)
          .compose(spans -> knownUnless(!spans.isEmpty(), camera, spans))
          .map(spans -> timelineJson(camera, range, spans));
    });
  }

  private JsonObject timelineJson(String camera, QueryParams.TimeRange range, List<Span> spans) {
    Instant end = range.end().isAfter(clock.instant()) ? clock.instant() : range.end();
    JsonArray recorded = new JsonArray();
    JsonArray gaps = new JsonArray();
    Instant cursor = range.start();
    long recordedMs = 0;
    for (Span s : spans) {
      Instant a = s.start().isBefore(range.start()) ? range.start() : s.start();
      Instant b = s.end().isAfter(range.end()) ? range.end() : s.end();
      if (!b.isAfter(a)) continue;
      if (a.isAfter(cursor)) gaps.add(interval(cursor, a));
      recorded.add(interval(a, b));
      recordedMs += Duration.between(a, b).toMillis();
      if (b.isAfter(cursor)) cursor = b;
    }
    if (end.isAfter(cursor)) gaps.add(interval(cursor, end));
    return new JsonObject().put("cameraId", camera).put("start", range.start().toEpochMilli())
        .put("end", range.end().toEpochMilli()).put("recordedMs", recordedMs).put("spans", recorded).put("gaps", gaps);
  }

  /**
   * {@code POST /api/v1/viewer-tokens} (the operator's admin token, or an account admin token):
   * {@code {cameras: [...] | ["*"], ttlSeconds?, subject?}} or {@code {account, ttlSeconds?, subject?}} → 201
   * {@code {token, expiresAt, cameras | account}}. An account admin mints only for its own account or cameras of it.
   */
  void mintViewerToken(RoutingContext ctx) {
    respond(ctx, () -> {
      if (tokens == null) {
        throw new ApiException(409, "viewer_auth_off", "viewer tokens are off: this service runs open (viewer.open)");
      }
      var req = MintRequest.from(ctx, cfg.viewer().maxTokenSeconds(), cfg.viewer().defaultTokenSeconds());
      AdminCaller caller = AdminCaller.of(ctx);
      if (req.account() != null) {
        if (!caller.covers(req.account())) {
          throw new ApiException(403, "other_account", "an account admin mints tokens for its own account only");
        }
        return registry.accountExists(req.account()).map(exists -> {
          if (!exists) throw new ApiException(404, "unknown_account", "no account " + req.account());
          return minted(ctx, tokens.mintForAccount(req.subject(), req.account(), req.seconds()));
        });
      }
      ViewerTokens.Minted checked = tokens.mint(req.subject(), req.cameras(), req.seconds());
      if (caller.operator()) return Future.succeededFuture(minted(ctx, checked));
      return registry.accountCameras(caller.account()).map(own -> {
        for (String camera : checked.cameras()) {
          if (!own.contains(camera)) {
            throw new ApiException(403, "other_account", ViewerTokens.ALL_CAMERAS.equals(camera)
                ? "an account admin cannot mint a token for all cameras"
                : "camera " + camera + " is not in account " + caller.account());
          }
        }
        return minted(ctx, checked);
      });
    });
  }

  private static JsonObject minted(RoutingContext ctx, ViewerTokens.Minted minted) {
    ctx.response().setStatusCode(201);
    JsonObject body = new JsonObject().put("token", minted.token()).put("expiresAt", minted.expiresAt().toEpochMilli());
    return minted.account() != null ? body.put("account", minted.account())
        : body.put("cameras", new JsonArray(List.copyOf(minted.cameras())));
  }

  private String cameraParam(RoutingContext ctx) {
    String camera = QueryParams.cameraId(ctx.pathParam("id"), "camera id");
    ViewerAuth.scope(ctx).require(camera);
    return camera;
  }

  /**
   * {@code result}, unless the camera is unknown: a camera with recorded segments is known, so only an empty answer
   * costs the registry lookup.
   */
  private <T> Future<T> knownUnless(boolean recorded, String camera, T result) {
    if (recorded) return Future.succeededFuture(result);
    return segments.cameraKnown(camera).compose(known -> known
        ? Future.succeededFuture(result)
        : Future.failedFuture(new ApiException(404, "unknown_camera", "unknown camera: " + camera)));
  }

  private Duration maxRange() {
    return Duration.ofHours(cfg.maxReplayHours());
  }

  private static String replayUrl(String camera, Instant start, Instant end) {
    return "/replay.m3u8?camera_id=" + camera + "&start=" + URLEncoder.encode(start.toString(), StandardCharsets.UTF_8)
        + "&end=" + URLEncoder.encode(end.toString(), StandardCharsets.UTF_8);
  }

  private static JsonObject interval(Instant a, Instant b) {
    return new JsonObject().put("start", a.toEpochMilli()).put("end", b.toEpochMilli());
  }

  private static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }

  /** Runs a handler body; exceptions and failed futures become the JSON error answer. */
  static void respond(RoutingContext ctx, Supplier<Future<JsonObject>> work) {
    Future<JsonObject> result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        Routes.end(ctx.response().putHeader("content-type", "application/json"), ar.result().encode());
      }
    });
  }
}
