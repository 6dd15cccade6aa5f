package io.ipchls.playlist.http;

import io.ipchls.device.fmp4.ClipPlan;
import io.ipchls.kit.http.ApiException;
import io.ipchls.playlist.db.ExportRepository;
import io.ipchls.playlist.db.Segment;
import io.ipchls.playlist.metering.PlaybackMeter;
import io.ipchls.playlist.s3.ExportStore;
import io.ipchls.protocol.ObjectKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one clip export: the range's plan (each source object read once, its SHA-256 taken over the bytes read), the
 * faststart MP4 written to a temporary file (moov before mdat, ISO/IEC 14496-12 §8.1.1's recommendation for
 * progressive download: {@link ClipExport}'s layout), then the MP4 and its manifest stored under
 * {@code ipchls/exports/<id>/} and the outcome recorded. Memory: the plan and one segment, never the file.
 * A job done is metered once: its MP4's size as bytes served and its source segments as segments served. The MP4 is
 * downloaded from the bucket by presigned URL, which this service never sees, so each download cannot be counted;
 * the file's size is what leaves the bucket for one download.
 */
final class ExportRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ExportRunner.class);
  static final String MANIFEST_NAME = "manifest.json";

  private final Vertx vertx;
  private final ClipExport clips;
  private final ExportRepository jobs;
  private final ExportStore store;
  private final PlaybackMeter meter;

  ExportRunner(Vertx vertx, ClipExport clips, ExportRepository jobs, ExportStore store, PlaybackMeter meter) {
    this.vertx = vertx;
    this.clips = clips;
    this.jobs = jobs;
    this.store = store;
    this.meter = meter;
  }

  /** The source objects a plan read, in the order read, each once: key, bytes, SHA-256 of the bytes read. */
  static final class Sources implements ClipExport.SourceLog {
    record Source(String key, long bytes, String sha256) {}

    private final Map<String, Source> read = new LinkedHashMap<>();

    @Override
    public synchronized void read(String key, Buffer bytes) {
      if (!read.containsKey(key)) read.put(key, new Source(key, bytes.length(), sha256(bytes.getBytes())));
    }

    synchronized List<Source> list() {
      return new ArrayList<>(read.values());
    }
  }

  /**
   * Runs the job to its end; the outcome is in the job's row (never a failed future). Metered once its row says done
   * (from then on its URLs are handed out); a failed job counts nothing more than its request.
   */
  Future<Void> run(UUID id, ClipRequest req, List<Segment> list) {
    Sources sources = new Sources();
    return clips.planOnce(req, list, sources)
        .compose(plan -> writeAndStore(id, req, list, plan, sources))
        .compose(result -> jobs.done(id, result)
            .onSuccess(v -> meter.served(req.cameraId(), result.segmentCount(), result.mp4Bytes())))
        .recover(e -> {
          LOG.warn("clip export {} of {} failed: {}", id, req.cameraId(), e.toString());
          return jobs.failed(id, reason(e));
        });
  }

  private Future<ExportRepository.Result> writeAndStore(UUID id, ClipRequest req, List<Segment> list, ClipPlan plan,
      Sources sources) {
    return vertx.fileSystem().createTempFile("ipchls-export-", ".mp4").compose(path ->
        vertx.fileSystem().open(path, new OpenOptions().setWrite(true).setTruncateExisting(true))
            .compose(file -> clips.write(file, list, plan, 0, plan.length()).eventually(file::close))
            .compose(v -> vertx.executeBlocking(() -> store(id, req, Path.of(path), sources, list.size())))
            .eventually(() -> vertx.fileSystem().delete(path)));
  }

  /** On a worker: hashes the file, puts it, then the manifest that names it and every source. */
  private ExportRepository.Result store(UUID id, ClipRequest req, Path file, Sources sources, int segments)
      throws IOException {
    String mp4Sha256 = sha256(file);
    long mp4Bytes = Files.size(file);
    String base = ObjectKeys.EXPORTS_PREFIX + "/" + id + "/";
    String filename = ClipExport.filename(req);
    String mp4Key = base + filename;
    store.putFile(mp4Key, file, "video/mp4", "attachment; filename=\"" + filename + "\"");
    JsonArray listed = new JsonArray();
    for (Sources.Source s : sources.list()) {
      listed.add(new JsonObject().put("key", s.key()).put("bytes", s.bytes()).put("sha256", s.sha256()));
    }
    JsonObject manifest = new JsonObject()
        .put("exportId", id.toString())
        .put("cameraId", req.cameraId())
        .put("start", req.start().toString())
        .put("end", req.end().toString())
        .put("mp4", new JsonObject().put("key", mp4Key).put("bytes", mp4Bytes).put("sha256", mp4Sha256))
        .put("sources", listed);
    String manifestKey = base + MANIFEST_NAME;
    store.putBytes(manifestKey, manifest.encodePrettily().getBytes(StandardCharsets.UTF_8), "application/json");
    return new ExportRepository.Result(mp4Key, mp4Bytes, mp4Sha256, manifestKey, segments);
  }

  /** What the job's reader is told: the API's own message, else the failure's class and message. */
  private static String reason(Throwable e) {
    if (e instanceof ApiException a) return a.code() + ": " + a.getMessage();
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest sha = digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
