package io.ipchls.bench.playlist;

import io.ipchls.kit.hls.HlsPlaylist;
import io.ipchls.protocol.ObjectKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A 24-hour replay playlist (28,800 segments of 3 s), built by playlist-service from the index (HTTP request to the
 * last byte) in its two forms in the same run: compact (short segment links, gzip, what a browser or hls.js asks for)
 * and the seed's (links=full: every URL presigned, uncompressed), with their bytes on the wire; and the anchor's way —
 * list the bucket (ListObjectsV2, 1,000 keys a page), guess each duration from the next key's time, presign, write the
 * playlist — against the same S3 server.
 */
@Command(name = "ReplayBuild", mixinStandardHelpOptions = true)
public final class ReplayBuild implements Runnable {
  private static final Pattern KEY_TIME =
      Pattern.compile("(\\d{4}/\\d{2}/\\d{2}/\\d{2}/\\d{2}/\\d{2}\\.\\d{3})-\\d+\\.ts$");
  private static final DateTimeFormatter KEY_FORMAT = DateTimeFormatter.ofPattern("uuuu/MM/dd/HH/mm/ss.SSS");

  @Option(names = "--segments", defaultValue = "28800") int segments;
  @Option(names = "--runs", defaultValue = "3", description = "measured runs of the anchor's way") int runs;
  @Option(names = "--our-runs", defaultValue = "20", description = "measured runs of playlist-service") int oursRuns;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReplayBuild()).execute(args));
  }

  @Override
  public void run() {
    try (PlaylistBenchStack stack = new PlaylistBenchStack()) {
      String cam = "replay-cam";
      Instant day = Instant.parse("2026-11-20T00:00:00Z");
      List<PlaylistBenchStack.Row> rows = new ArrayList<>();
      for (int i = 0; i < segments; i++) {
        Instant start = day.plusMillis(3000L * i);
        rows.add(new PlaylistBenchStack.Row(cam, start, /* durationMs= */ 3000, ObjectKeys.segmentKey(cam, start, i),
            /* bytes= */ 188));
      }
      stack.register(List.of(cam));
      stack.insert(rows);
      upload(stack, rows);
      int port = stack.startPlaylist();
      String auth = "Bearer " + stack.token();
      HttpClient client = stack.vertx.createHttpClient();
      String path = "/replay.m3u8?camera_id=" + cam + "&start=2026-11-20T00:00:00Z&end=2026-11-21T00:00:00Z";

      long[] ours = new long[oursRuns];
      long[] compact = new long[oursRuns];
      long[] anchor = new long[runs];
      int seedBytes = 0;
      int compactBytes = 0;
      for (int i = -5; i < oursRuns; i++) { // five warm-up rounds; the two forms alternate
        long t = System.nanoTime();
        Buffer body = PlaylistBenchStack.await(client.request(HttpMethod.GET, port, "127.0.0.1", path + "&links=full")
            .compose(r -> r.putHeader("Authorization", auth).send()).compose(r -> r.body()));
        long oursNs = System.nanoTime() - t;
        check(body.toString(), "ours");
        seedBytes = body.length();
        if (i >= 0) ours[i] = oursNs;
        t = System.nanoTime();
        Buffer gz = PlaylistBenchStack.await(client.request(HttpMethod.GET, port, "127.0.0.1", path)
            .compose(r -> r.putHeader("Authorization", auth).putHeader("Accept-Encoding", "gzip").send())
            .compose(r -> r.body()));
        long compactNs = System.nanoTime() - t;
        check(gunzip(gz), "ours, compact");
        compactBytes = gz.length();
        if (i >= 0) compact[i] = compactNs;
      }
      int seedGzipBytes = PlaylistBenchStack.await(client.request(HttpMethod.GET, port, "127.0.0.1",
          path + "&links=full").compose(r -> r.putHeader("Authorization", auth).putHeader("Accept-Encoding", "gzip")
          .send()).compose(r -> r.body())).length();
      try (S3Client s3 = stack.s3Client(); S3Presigner presigner = presigner(stack)) {
        for (int i = -1; i < runs; i++) { // one warm-up round: each takes tens of seconds
          long t = System.nanoTime();
          String listed = anchorWay(s3, presigner, stack.s3Config.bucket(), cam + "/");
          long anchorNs = System.nanoTime() - t;
          check(listed, "anchor");
          System.err.printf("anchor run %d: %.1f ms%n", i, anchorNs / 1e6);
          if (i >= 0) anchor[i] = anchorNs;
        }
      }
      double oursMs = median(ours);
      double compactMs = median(compact);
      double anchorMs = median(anchor);
      System.out.printf("%n24 h replay, %d segments (medians of %d and %d runs):%n", segments, oursRuns, runs);
      System.out.printf("  playlist-service, compact (short links + gzip)      %.1f ms  %,d bytes on the wire%n",
          compactMs, compactBytes);
      System.out.printf("  playlist-service, seed form (links=full, presigned) %.1f ms  %,d bytes on the wire%n",
          oursMs, seedBytes);
      System.out.printf("  (the seed form gzipped: %,d bytes on the wire)%n", seedGzipBytes);
      System.out.printf("  anchor (ListObjectsV2 + key names + SDK presigner)  %.1f ms%n", anchorMs);
      System.out.printf("  compact vs seed form: %.2fx the time, %.1fx fewer bytes (%.2f vs %.1f bytes a segment)%n",
          compactMs / oursMs, seedBytes / (double) compactBytes, compactBytes / (double) segments,
          seedBytes / (double) segments);
      System.out.printf("  ratio anchor/ours (seed form): %.1fx; anchor/compact: %.1fx%n", anchorMs / oursMs,
          anchorMs / compactMs);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void check(String playlist, String who) {
    long n = playlist.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
    if (n != segments) throw new IllegalStateException(who + " listed " + n + " segments, not " + segments);
  }

  /** What the anchor's cloud function does per request. */
  static String anchorWay(S3Client s3, S3Presigner presigner, String bucket, String prefix) {
    List<S3Object> objects = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      ListObjectsV2Response page = s3.listObjectsV2(r -> r.bucket(bucket).prefix(prefix).continuationToken(t));
      objects.addAll(page.contents());
      token = page.isTruncated() ? page.nextContinuationToken() : null;
    } while (token != null);
    HlsPlaylist playlist = HlsPlaylist.vod();
    Instant[] starts = objects.stream().map(o -> keyTime(o.key())).toArray(Instant[]::new);
    for (int i = 0; i < objects.size(); i++) {
      long duration = i + 1 < starts.length ? Duration.between(starts[i], starts[i + 1]).toMillis() : 3000;
      String key = objects.get(i).key();
      String url = presigner.presignGetObject(r -> r.signatureDuration(Duration.ofHours(1))
          .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
      playlist.segment(url, starts[i], duration);
    }
    return playlist.render();
  }

  private static Instant keyTime(String key) {
    Matcher m = KEY_TIME.matcher(key);
    if (!m.find()) throw new IllegalStateException("not a segment key: " + key);
    return LocalDateTime.parse(m.group(1), KEY_FORMAT).toInstant(ZoneOffset.UTC);
  }

  private static S3Presigner presigner(PlaylistBenchStack stack) {
    return S3Presigner.builder().region(Region.US_EAST_1).endpointOverride(stack.s3.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            PlaylistBenchStack.ACCESS_KEY, PlaylistBenchStack.SECRET_KEY)))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
  }

  private static void upload(PlaylistBenchStack stack, List<PlaylistBenchStack.Row> rows) throws Exception {
    byte[] body = new byte[188];
    body[0] = 0x47;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (S3Client s3 = stack.s3Client()) {
      List<Future<?>> done = new ArrayList<>();
      for (PlaylistBenchStack.Row r : rows) {
        done.add(pool.submit(() -> s3.putObject(p -> p.bucket(stack.s3Config.bucket()).key(r.key()),
            RequestBody.fromBytes(body))));
      }
      for (Future<?> f : done) f.get();
    } finally {
      pool.shutdown();
    }
  }

  private static String gunzip(Buffer gz) {
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.getBytes()))) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static double median(long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return s[s.length / 2] / 1e6;
  }
}
