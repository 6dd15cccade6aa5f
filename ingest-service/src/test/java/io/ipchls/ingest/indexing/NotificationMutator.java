package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.segment;

import io.ipchls.protocol.Json;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Random and mutated segment notifications for the fuzz test, each built from a good one of the camera. */
final class NotificationMutator {
  private static final String[] FIELDS = {"v", "key", "start", "durationMs", "bytes", "sha256", "seq", "codec",
      "width", "height", "deviceTime", "clockJump", "discontinuity"};
  private static final String[] TEXT_FIELDS = {"key", "codec", "sha256"};
  private static final Object[] ODD_VALUES = {"x", "", true, false, 1.5, -0.0, new JsonArray(), new JsonObject(),
      null, "1700000000000", 1e308};
  private static final long[] BOUNDARIES = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
      Long.MIN_VALUE, 1L << 31, SegmentNotification.MIN_EPOCH_MS - 1, SegmentNotification.MAX_EPOCH_MS,
      SegmentNotification.MAX_DURATION_MS, SegmentNotification.MAX_DURATION_MS + 1, SegmentNotification.MAX_BYTES + 1,
      SegmentNotification.MAX_DIMENSION + 1};
  private static final String[] SHAPES = {"[]", "null", "1", "\"s\"", "{}", "true", "{\"v\":1}", "[{}]",
      "[".repeat(2000) + "]".repeat(2000), "{\"v\":1,\"key\":{\"key\":{\"key\":[]}}}"};

  private NotificationMutator() {}

  static byte[] fuzz(Random rnd, String cameraId) {
    JsonObject good = new JsonObject(new String(Json.encode(segment(cameraId, rnd.nextInt(60_000))),
        StandardCharsets.UTF_8));
    String text = good.encode();
    return switch (rnd.nextInt(8)) {
      case 0 -> randomBytes(rnd, rnd.nextInt(300) + 1);
      case 1 -> utf8(text.substring(0, rnd.nextInt(text.length())));
      case 2 -> utf8(good.put(pick(rnd, FIELDS), ODD_VALUES[rnd.nextInt(ODD_VALUES.length)]).encode());
      case 3 -> utf8(good.put(pick(rnd, TEXT_FIELDS), "k".repeat(rnd.nextInt(20_000))).encode());
      case 4 -> utf8(good.put(pick(rnd, TEXT_FIELDS), oddUnicode(rnd)).encode());
      case 5 -> utf8(good.put(pick(rnd, FIELDS), BOUNDARIES[rnd.nextInt(BOUNDARIES.length)]).encode());
      case 6 -> flipped(rnd, utf8(text));
      default -> utf8(SHAPES[rnd.nextInt(SHAPES.length)]);
    };
  }

  private static String pick(Random rnd, String[] from) {
    return from[rnd.nextInt(from.length)];
  }

  private static byte[] randomBytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  private static byte[] flipped(Random rnd, byte[] b) {
    for (int i = rnd.nextInt(5); i >= 0; i--) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
    return b;
  }

  /** NUL, control characters, lone surrogates, emoji, right-to-left marks, combining characters. */
  private static String oddUnicode(Random rnd) {
    char[] odd = {'\u0000', '\u0007', '\u001b', '\u007f', '\ud800', '\udfff', '\u200f', '\u0301', '\ufeff', 'a'};
    StringBuilder s = new StringBuilder();
    for (int i = rnd.nextInt(40); i >= 0; i--) {
      if (rnd.nextInt(4) == 0) s.appendCodePoint(0x1F600 + rnd.nextInt(80));
      else s.append(odd[rnd.nextInt(odd.length)]);
    }
    return s.toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
