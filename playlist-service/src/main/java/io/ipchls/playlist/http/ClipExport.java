package io.ipchls.playlist.http;

import io.ipchls.device.fmp4.ClipPlan;
import io.ipchls.device.fmp4.ClipPlanner;
import io.ipchls.device.fmp4.ClipSegment;
import io.ipchls.kit.http.ApiException;
import io.ipchls.playlist.auth.ViewerAuth;
import io.ipchls.playlist.db.Segment;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.playlist.metering.PlaybackMeter;
import io.ipchls.playlist.s3.QueryPresigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.WriteStream;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/cameras/{id}/clip.mp4?start=&end=}: the recording remuxed on the fly into one progressive MP4
 * (moov first), no re-encoding. The clip is planned from the segments in one pass that keeps only sample tables;
 * then any byte range is answered by writing the header's bytes and rebuilding, one segment at a time, the samples
 * the range covers. Memory: the plan (about 20 bytes a frame) and one segment per request. The last few plans are
 * kept, so the range requests a player makes after the first do not read the recording again; so are the last few
 * init segments (content-named, so never stale), so an fMP4 recording's init is read once, not once a segment.
 * Metering: an answer with the clip (200, 206, HEAD) is one playback request; its body bytes written to the client,
 * and the segments they carry, are served bytes, also when the client leaves mid-way. Refusals count nothing.
 */
final class ClipExport {
  private static final Duration INTERNAL_URL_LIFETIME = Duration.ofMinutes(5);
  /** A recorded segment larger than this is refused rather than held in memory. */
  static final long MAX_SEGMENT_BYTES = 64L * 1024 * 1024;
  private static final int CACHED_PLANS = 8;
  /**
   * The most one write hands the connection, each awaited before the next: a client that leaves mid-way is counted at
   * most this many bytes beyond what its connection took, and a large segment is not queued whole for a dead one.
   */
  static final int WRITE_CHUNK = 64 * 1024;
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Vertx vertx;
  private final SegmentRepository segments;
  private final QueryPresigner internalSigner;
  private final HttpClient http;
  private final PlaybackMeter meter;
  private final Map<String, Future<ClipPlan>> plans = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Future<ClipPlan>> eldest) {
      return size() > CACHED_PLANS;
    }
  };

  private final Map<String, Future<Buffer>> inits = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Future<Buffer>> eldest) {
      return size() > CACHED_PLANS;
    }
  };

  ClipExport(Vertx vertx, SegmentRepository segments, QueryPresigner internalSigner, HttpClient http,
      PlaybackMeter meter) {
    this.vertx = vertx;
    this.segments = segments;
    this.internalSigner = internalSigner;
    this.http = http;
    this.meter = meter;
  }

  void handle(RoutingContext ctx) {
    ClipRequest req = ClipRequest.from(ctx.pathParam("id"), ctx.queryParams());
    ViewerAuth.scope(ctx).require(req.cameraId());
    segments.overlapping(req.cameraId(), req.start(), req.end()).compose(list -> {
      if (list.isEmpty()) return Future.failedFuture(ApiException.notFound("nothing recorded in that range"));
      String etag = etag(req, list);
      return plan(etag, req, list).compose(plan -> respond(ctx, req, list, plan, etag));
    }).onFailure(e -> fail(ctx, e));
  }

  /** The cached plan for these segments, or a new one: each segment read once, in order, parsed on a worker. */
  private Future<ClipPlan> plan(String etag, ClipRequest req, List<Segment> list) {
    synchronized (plans) {
      Future<ClipPlan> cached = plans.get(etag);
      if (cached != null) return cached;
    }
    Future<ClipPlan> plan = planOnce(req, list, /* sources= */ null);
    synchronized (plans) {
      plans.put(etag, plan);
    }
    plan.onFailure(e -> {
      synchronized (plans) {
        plans.remove(etag);
      }
    });
    return plan;
  }

  /** Told every object a plan reads (the segments and their init segments), on a worker, with the bytes read. */
  interface SourceLog {
    void read(String key, Buffer bytes);
  }

  /**
   * A new plan: each segment read once, in order, parsed on a worker; {@code sources}, when given, is told each
   * object as it was read (an export's manifest hashes those bytes).
   */
  Future<ClipPlan> planOnce(ClipRequest req, List<Segment> list, SourceLog sources) {
    ClipPlanner planner = new ClipPlanner();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < list.size(); i++) {
      Segment s = list.get(i);
      long from = i == 0 ? Duration.between(s.start(), req.start()).toMillis() : Long.MIN_VALUE;
      long to = i == list.size() - 1 ? Duration.between(s.start(), req.end()).toMillis() : Long.MAX_VALUE;
      boolean restart = i > 0 && s.restart();
      int index = i;
      chain = chain.compose(v -> load(s, sources)).compose(seg -> vertx.executeBlocking(() -> {
        try {
          planner.add(seg.get(), from, to, restart);
        } catch (ClipPlanner.ConfigurationChange e) {
          throw new ApiException(409, "configuration_change", e.getMessage().replace("segment " + e.segment(),
              list.get(index).start().toString()) + ": export up to that time, then from it");
        } catch (IllegalArgumentException e) {
          throw new ApiException(502, "unreadable_segment", "segment " + s.objectKey() + ": " + e.getMessage());
        }
        return null;
      }));
    }
    return chain.compose(v -> vertx.executeBlocking(planner::plan));
  }

  /**
   * Headers, then the whole file or the one range asked for (RFC 9110 §14), unless this is a HEAD; metered as one
   * request, then the body bytes written however the writing ended.
   */
  private Future<Void> respond(RoutingContext ctx, ClipRequest req, List<Segment> list, ClipPlan plan, String etag) {
    HttpServerResponse out = ctx.response().putHeader("content-type", "video/mp4")
        .putHeader("accept-ranges", "bytes").putHeader("etag", etag)
        .putHeader("cache-control", "private, max-age=3600")
        .putHeader("content-disposition", "attachment; filename=\"" + filename(req) + "\"");
    String ifRange = ctx.request().getHeader("if-range");
    ByteRange range;
    try {
      range = ifRange != null && !ifRange.equals(etag) ? null
          : ByteRange.parse(ctx.request().getHeader("range"), plan.length());
    } catch (ByteRange.Unsatisfiable e) {
      return out.setStatusCode(416).putHeader("content-range", "bytes */" + plan.length())
          .putHeader("content-type", "application/json")
          .end(new JsonObject().put("error", "range_not_satisfiable").put("message", e.getMessage()).encode());
    }
    if (range == null) range = new ByteRange(0, plan.length() - 1);
    else out.setStatusCode(206).putHeader("content-range", range.contentRange(plan.length()));
    out.putHeader("content-length", Long.toString(range.length()));
    meter.request(req.cameraId());
    if (HeadRequests.isHead(ctx)) return out.end();
    long from = range.first();
    return write(out, list, plan, from, range.last() + 1).compose(v -> out.end())
        .onComplete(x -> meterServed(req.cameraId(), plan, from, out.bytesWritten()));
  }

  /**
   * The body bytes handed to the connection (a write that failed included: the connection cannot say how much of it
   * left), and the source segments whose samples lie in them.
   */
  private void meterServed(String cameraId, ClipPlan plan, long from, long written) {
    if (written == 0) return;
    int carried = 0;
    for (ClipPlan.Piece p : plan.pieces()) {
      if (covers(p, from, from + written)) carried++;
    }
    meter.served(cameraId, carried, written);
  }

  /** Whether bytes [from, end) of the file hold some of the piece's samples. */
  private static boolean covers(ClipPlan.Piece p, long from, long end) {
    return p.length() > 0 && p.offset() < end && p.offset() + p.length() > from;
  }

  /**
   * Bytes [from, end) of the file: header bytes, then each covered segment's rebuilt samples, one at a time, in
   * writes of at most {@value #WRITE_CHUNK} bytes, each awaited before the next (backpressure from the client's socket
   * or the file; after a failed write nothing more is written).
   */
  Future<Void> write(WriteStream<Buffer> out, List<Segment> list, ClipPlan plan, long from, long end) {
    Future<Void> chain = Future.succeededFuture();
    if (from < plan.headerLength()) {
      int n = (int) (Math.min(end, plan.headerLength()) - from);
      byte[] head = new byte[n];
      plan.copyHeader(from, head, 0, n);
      chain = writeInChunks(out, Buffer.buffer(head));
    }
    for (ClipPlan.Piece p : plan.pieces()) {
      if (!covers(p, from, end)) continue;
      String key = list.get(p.segment()).objectKey();
      Segment source = list.get(p.segment());
      chain = chain.compose(v -> load(source, /* sources= */ null))
          .compose(seg -> vertx.executeBlocking(() -> ClipPlan.payload(p, parse(seg, source))))
          .compose(bytes -> {
            int a = (int) Math.max(0, from - p.offset());
            int b = (int) Math.min(bytes.length, end - p.offset());
            return writeInChunks(out, Buffer.buffer(bytes).slice(a, b));
          });
    }
    return chain;
  }

  private static Future<Void> writeInChunks(WriteStream<Buffer> out, Buffer bytes) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < bytes.length(); i += WRITE_CHUNK) {
      Buffer chunk = bytes.slice(i, Math.min(bytes.length(), i + WRITE_CHUNK));
      chain = chain.compose(v -> out.write(chunk));
    }
    return chain;
  }

  /** A segment's bytes (and its init segment's, for fMP4), to be parsed on a worker by {@link #parse}. */
  private Future<java.util.function.Supplier<ClipSegment>> load(Segment s, SourceLog sources) {
    Future<Buffer> init = s.isFmp4() ? init(s.initKey()) : Future.succeededFuture();
    return init.compose(i -> fetch(s.objectKey()).map(b -> () -> {
      if (sources != null) {
        if (i != null) sources.read(s.initKey(), i);
        sources.read(s.objectKey(), b);
      }
      return s.isFmp4() ? ClipSegment.fromFmp4(i.getBytes(), b.getBytes()) : ClipSegment.fromTs(b.getBytes());
    }));
  }

  private Future<Buffer> init(String key) {
    synchronized (inits) {
      Future<Buffer> cached = inits.get(key);
      if (cached != null && !cached.failed()) return cached;
      Future<Buffer> f = fetch(key);
      inits.put(key, f);
      return f;
    }
  }

  private static ClipSegment parse(java.util.function.Supplier<ClipSegment> loaded, Segment s) {
    try {
      return loaded.get();
    } catch (IllegalArgumentException e) {
      throw new ApiException(502, "unreadable_segment", "segment " + s.objectKey() + ": " + e.getMessage());
    }
  }

  /** The segment object's bytes, read with this service's key (segments are a few MB: whole is fine). */
  private Future<Buffer> fetch(String key) {
    String url = internalSigner.batch(Instant.now(), INTERNAL_URL_LIFETIME).url(key);
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url))
        .compose(req -> req.send())
        .compose(resp -> {
          String length = resp.getHeader("content-length");
          if (resp.statusCode() != 200 || (length != null && Long.parseLong(length) > MAX_SEGMENT_BYTES)) {
            resp.request().reset();
            return Future.failedFuture(resp.statusCode() == 404
                ? ApiException.notFound("segment " + key + " is missing from the store")
                : new ApiException(502, "store_error", "the store answered " + resp.statusCode() + " for " + key));
          }
          return resp.body();
        });
  }

  /** Before the headers went out: the JSON error; after: the connection is cut so the client sees a short body. */
  private static void fail(RoutingContext ctx, Throwable e) {
    if (ctx.response().headWritten()) {
      if (!ctx.response().ended()) ctx.response().reset();
      return;
    }
    ctx.fail(e);
  }

  /** A strong validator: the same camera, range and segment objects give the same bytes. */
  static String etag(ClipRequest req, List<Segment> list) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(("clip1|" + req.cameraId() + "|" + req.start() + "|" + req.end()).getBytes(StandardCharsets.UTF_8));
      for (Segment s : list) sha.update(("|" + s.start() + "|" + s.objectKey()).getBytes(StandardCharsets.UTF_8));
      return "\"" + HexFormat.of().formatHex(sha.digest(), 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String filename(ClipRequest req) {
    return req.cameraId() + "_" + FILE_TIME.format(req.start()) + "_" + FILE_TIME.format(req.end()) + ".mp4";
  }
}
