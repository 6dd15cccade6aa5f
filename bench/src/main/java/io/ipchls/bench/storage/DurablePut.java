package io.ipchls.bench.storage;

import io.ipchls.bench.Latencies;
import io.ipchls.infra.EmbeddedS3;
import io.ipchls.infra.KeyLookup;
import io.ipchls.infra.S3Options;
import io.ipchls.infra.ScratchDir;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What durable writes cost the embedded S3 server: PUTs of segment-sized objects into {@link EmbeddedS3} (each object
 * on the disk before the 200) beside the same PUTs into S3Proxy's filesystem store as it comes (answered from the page
 * cache), started here with the same store, in the same run, rounds alternating. Prints PUTs per second and the
 * latency of each.
 *
 * <pre>bench/run storage.DurablePut [puts per round=400] [bytes=500000] [concurrent=8] [rounds=3]</pre>
 */
public final class DurablePut {
  private static final String KEY = "bench-root";
  private static final String SECRET = "bench-root-secret-0123456789";
  private static final String BUCKET = "bench";

  private DurablePut() {}

  public static void main(String[] args) throws Exception {
    int puts = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    int bytes = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
    int concurrent = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    byte[] body = new byte[bytes];
    new Random(7).nextBytes(body);
    try (ScratchDir dir = ScratchDir.create("ipchls-durable-put");
        EmbeddedS3 durable = EmbeddedS3.start(new S3Options(dir.path().resolve("durable"), "127.0.0.1", 0, BUCKET,
            "us-east-1", KEY, SECRET, KeyLookup.none()))) {
      Path plainDir = Files.createDirectories(dir.path().resolve("plain"));
      FilesystemNio2BlobStore store = new FilesystemNio2BlobStore(plainDir.toString());
      store.createContainer(BUCKET);
      S3Proxy plain = S3Proxy.builder().endpoint(URI.create("http://127.0.0.1:0")).blobStore(store)
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, KEY, SECRET).ignoreUnknownHeaders(true)
          .stopTimeout(1000).build();
      plain.start();
      try (S3Client toDurable = client(durable.endpoint());
          S3Client toPlain = client(URI.create("http://127.0.0.1:" + plain.getPort()))) {
        System.out.printf("%d PUTs of %,d bytes per round, %d at once, %d rounds; load average %s%n", puts, bytes,
            concurrent, rounds, Files.readString(Path.of("/proc/loadavg")).trim());
        put(toPlain, "warm", body, puts, concurrent);
        put(toDurable, "warm", body, puts, concurrent);
        for (int r = 1; r <= rounds; r++) {
          Result p = put(toPlain, "r" + r, body, puts, concurrent);
          Result d = put(toDurable, "r" + r, body, puts, concurrent);
          System.out.printf("round %d  as S3Proxy comes: %,8.0f PUTs/s, %s%n", r, p.perSecond(), p.latency());
          System.out.printf("         durable (ours):   %,8.0f PUTs/s, %s   ratio %.2f%n", d.perSecond(), d.latency(),
              d.perSecond() / p.perSecond());
        }
      } finally {
        plain.stop();
      }
    }
  }

  private record Result(double perSecond, String latency) {}

  private static Result put(S3Client s3, String round, byte[] body, int puts, int concurrent) throws Exception {
    Latencies latencies = new Latencies(puts);
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrent);
    long began = System.nanoTime();
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < concurrent; w++) {
        workers.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < puts; i = next.getAndIncrement()) {
            String key = "cam-" + (i % 64) + "/" + round + "/" + i + ".ts";
            long t = System.nanoTime();
            s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
            latencies.record(System.nanoTime() - t);
          }
          return null;
        }));
      }
      for (Future<?> f : workers) f.get();
    } finally {
      pool.shutdown();
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    return new Result(puts / seconds, latencies.summary());
  }

  private static S3Client client(URI endpoint) {
    return S3Client.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(endpoint)
        .region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET))).build();
  }
}
