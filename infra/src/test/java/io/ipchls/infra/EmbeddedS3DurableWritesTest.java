package io.ipchls.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The embedded S3 server answers a write only once the object is on the disk ({@link DurableWrites}), so a host crash
 * right after a camera's PUT succeeded cannot lose the segment. Observed from outside the server through the kernel:
 * after {@code sync} has cleaned the page cache, a 64 MiB object written by PutObject, CopyObject or a multipart upload
 * must not be left as dirty pages (Linux's {@code Dirty} in {@code /proc/meminfo}) when the request returns. Without
 * the sync, each write left its whole size dirty for the kernel to write back up to 30 s later.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedS3DurableWritesTest {
  private static final int SIZE = 64 << 20;
  /**
   * Dirty pages the request may leave: what other processes dirty meanwhile. Half the object: without the sync the
   * whole 64 MiB stayed dirty (65,584-65,708 KiB measured), with it about nothing.
   */
  private static final long SLACK_KIB = 32 << 10;
  private static EmbeddedS3 s3;
  private static S3Client root;
  private static Path data;

  @BeforeAll
  static void start(@TempDir Path dir) {
    data = dir;
    s3 = EmbeddedS3.start(EmbeddedS3Test.options(dir));
    root = EmbeddedS3Test.client(s3, AwsBasicCredentials.create(EmbeddedS3Test.ROOT, EmbeddedS3Test.ROOT_SECRET));
  }

  @AfterAll
  static void stop() {
    if (root != null) root.close();
    if (s3 != null) s3.close();
  }

  @Test
  void putObject_isOnTheDiskWhenAnswered() throws Exception {
    String key = "cam-a/2026/12/07/08/00/00.000-0.ts";
    assertWrittenThrough(key, c -> c.putObject(b -> b.bucket(EmbeddedS3Test.BUCKET).key(key),
        RequestBody.fromBytes(new byte[SIZE])));
  }

  @Test
  void copyObject_isOnTheDiskWhenAnswered() throws Exception {
    String from = "cam-b/2026/12/07/08/00/00.000-0.ts";
    String to = "cam-b/2026/12/07/08/00/03.000-1.ts";
    root.putObject(b -> b.bucket(EmbeddedS3Test.BUCKET).key(from), RequestBody.fromBytes(new byte[SIZE]));
    assertWrittenThrough(to, c -> c.copyObject(b -> b.sourceBucket(EmbeddedS3Test.BUCKET).sourceKey(from)
        .destinationBucket(EmbeddedS3Test.BUCKET).destinationKey(to)));
  }

  @Test
  void multipartUpload_isOnTheDiskWhenCompleted() throws Exception {
    String key = "cam-c/exports/clip.mp4";
    assertWrittenThrough(key, c -> {
      String id = c.createMultipartUpload(b -> b.bucket(EmbeddedS3Test.BUCKET).key(key)).uploadId();
      CompletedPart[] parts = new CompletedPart[2];
      for (int n = 1; n <= 2; n++) {
        int part = n;
        String etag = c.uploadPart(b -> b.bucket(EmbeddedS3Test.BUCKET).key(key).uploadId(id).partNumber(part),
            RequestBody.fromBytes(new byte[SIZE / 2])).eTag();
        parts[n - 1] = CompletedPart.builder().partNumber(n).eTag(etag).build();
      }
      c.completeMultipartUpload(b -> b.bucket(EmbeddedS3Test.BUCKET).key(key).uploadId(id)
          .multipartUpload(m -> m.parts(parts)));
    });
  }

  private static void assertWrittenThrough(String key, Consumer<S3Client> write) throws Exception {
    sync();
    long before = dirtyKib();
    write.accept(root);
    long after = dirtyKib();
    Path file = data.resolve(EmbeddedS3Test.BUCKET).resolve(key);
    assertEquals(SIZE, Files.size(file), "the object is the file " + file);
    assertTrue(after - before < SLACK_KIB, "dirty pages grew by " + (after - before) + " KiB while writing "
        + (SIZE >> 10) + " KiB: the object was answered before it was on the disk");
  }

  private static void sync() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sync").inheritIO().start();
    assertEquals(0, p.waitFor(), "sync");
  }

  /** Linux's dirty page cache, in KiB. */
  private static long dirtyKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("Dirty:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    throw new IllegalStateException("no Dirty line in /proc/meminfo");
  }
}
