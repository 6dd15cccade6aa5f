package io.ipchls.device.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Answers the embedded S3 server cannot be made to give (5xx, AWS's 400 ExpiredToken), from a stand-in store: a
 * JDK HTTP server that fails a chosen number of PUTs with a chosen S3 error, then accepts them. Everything else about
 * uploads is tested against the real embedded S3 server ({@link S3SegmentUploaderTest}).
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class S3SegmentUploaderStandInTest {
  private HttpServer standIn;
  private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();

  /** The stand-in store: the first {@code failures} PUTs get {@code status} with S3 error {@code code}. */
  private URI standIn(int failures, int status, String code) throws IOException {
    AtomicInteger seen = new AtomicInteger();
    standIn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    standIn.createContext("/", exchange -> {
      bodies.add(exchange.getRequestBody().readAllBytes());
      contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
      boolean fail = seen.incrementAndGet() <= failures;
      byte[] body = fail ? ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
          + "</Code><Message>stand-in</Message></Error>").getBytes(StandardCharsets.UTF_8) : new byte[0];
      exchange.getResponseHeaders().add("Content-Type", "application/xml");
      if (!fail) exchange.getResponseHeaders().add("ETag", "\"0\"");
      exchange.sendResponseHeaders(fail ? status : 200, fail ? body.length : -1);
      if (fail) exchange.getResponseBody().write(body);
      exchange.close();
    });
    standIn.start();
    return URI.create("http://127.0.0.1:" + standIn.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    if (standIn != null) standIn.stop(0);
  }

  private static S3SegmentUploader uploader(URI endpoint, int attempts) {
    return new S3SegmentUploader(new StorageCredentials("AKIDSTANDIN", "secret", "token", endpoint, "us-east-1",
        "bucket", "cam", true, Long.MAX_VALUE), new UploadSettings(attempts, 32 * 1024, Map.of()));
  }

  @Test
  void serverErrors503and500_areRetriedWithBackoff_untilTheStoreAcceptsTheSegment() throws Exception {
    URI endpoint = standIn(2, 503, "SlowDown");
    byte[] segment = "a segment".getBytes(StandardCharsets.UTF_8);
    try (S3SegmentUploader up = uploader(endpoint, 4)) {
      up.upload("cam/x.ts", segment);
    }
    assertEquals(3, bodies.size(), "two refusals, then the stored attempt");
    // over plain HTTP the SDK signs the body in aws-chunked framing; the segment travels whole inside it
    for (byte[] b : bodies) {
      assertTrue(new String(b, StandardCharsets.ISO_8859_1).contains("\r\na segment\r\n")
          || java.util.Arrays.equals(segment, b), "every attempt sends the whole segment");
    }
    assertTrue(contentTypes.stream().allMatch("video/mp2t"::equals), contentTypes.toString());
    bodies.clear();
    stop();
    try (S3SegmentUploader up = uploader(standIn(1, 500, "InternalError"), 4)) {
      up.upload("cam/y.ts", segment);
    }
    assertEquals(2, bodies.size());
  }

  @Test
  void serverErrors_beyondTheAttempts_areRetryableForTheCaller() throws Exception {
    try (S3SegmentUploader up = uploader(standIn(10, 503, "ServiceUnavailable"), 3)) {
      UploadException e = assertThrows(UploadException.class, () -> up.upload("cam/x.ts", new byte[10]));
      assertTrue(e.retryable());
      assertTrue(e.getMessage().contains("503"), e.getMessage());
    }
    assertEquals(3, bodies.size());
  }

  @Test
  void expiredToken_400_isAnAuthFailure_notRetriedWithTheSameKey() throws Exception {
    try (S3SegmentUploader up = uploader(standIn(10, 400, "ExpiredToken"), 4)) {
      UploadAuthException e = assertThrows(UploadAuthException.class, () -> up.upload("cam/x.ts", new byte[10]));
      assertTrue(e.getMessage().contains("ExpiredToken"), e.getMessage());
    }
    assertEquals(1, bodies.size());
  }

  @Test
  void otherClientErrors_areNotRetried_andNotRetryable() throws Exception {
    try (S3SegmentUploader up = uploader(standIn(10, 400, "InvalidArgument"), 4)) {
      UploadException e = assertThrows(UploadException.class, () -> up.upload("cam/x.ts", new byte[10]));
      assertTrue(!e.retryable() && !(e instanceof UploadAuthException), e.toString());
    }
    assertEquals(1, bodies.size());
  }
}
