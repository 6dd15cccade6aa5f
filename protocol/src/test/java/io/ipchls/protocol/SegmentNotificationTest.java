package io.ipchls.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SegmentNotificationTest {
  private static final long T = 1_795_000_000_000L;

  private static SegmentNotification withKeyAndCodec(String key, String codec) {
    return new SegmentNotification(1, key, T, 3000, 1000, null, 1, codec, 640, 360, T, null, null);
  }

  private static String problems(SegmentNotification n) {
    return String.join("; ", n.problems());
  }

  @Test
  void deviceClientCodecsAndKeys_pass() {
    for (String codec : new String[] {"h264", "avc1.64001f", "avc1.42c01e,mp4a.40.2", "hvc1.1.6.L93.B0"}) {
      assertEquals("", problems(withKeyAndCodec("cam/2026/01/01/00/00/00.000-1.ts", codec)), codec);
    }
    assertNull(ObjectKeys.keyProblem(ObjectKeys.segmentKey("cam-1", java.time.Instant.ofEpochMilli(T), 7)));
  }

  @Test
  void codecOutsideTheGrammar_isAProblem() {
    for (String codec : new String[] {"", "avc1 ", "avc1..4d", "avc1\u0000", "a,", "x".repeat(65)}) {
      assertTrue(problems(withKeyAndCodec("cam/a.ts", codec)).contains("codec"), codec);
    }
  }

  @Test
  void keyCharactersOutsideS3SafeSet_areAProblem() {
    for (String key : new String[] {"cam/a b.ts", "cam/a\u00e9.ts", "cam/a\ud800.ts", "cam/a%2F.ts", "cam/a?.ts"}) {
      assertTrue(ObjectKeys.keyProblem(key).contains("may only hold"), key);
    }
  }

  @Test
  void keyOverTheByteLimit_isAProblem() {
    assertTrue(ObjectKeys.keyProblem("cam/" + "k".repeat(ObjectKeys.MAX_KEY_LENGTH)).contains("1024 bytes"));
  }

  @Test
  void timesOutside2000To2100_areAProblem() {
    var early = new SegmentNotification(1, "cam/a.ts", SegmentNotification.MIN_EPOCH_MS - 1, 3000, 1000, null, 1,
        null, 0, 0, SegmentNotification.MAX_EPOCH_MS, null, null);
    String p = problems(early);
    assertTrue(p.contains("start") && p.contains("deviceTime"), p);
  }

  @Test
  void decodeStrict_refusesCoercionsDuplicatesTrailingDataAndNonUtf8() {
    String good = new String(Json.encode(withKeyAndCodec("cam/a.ts", "h264")), StandardCharsets.UTF_8);
    for (String bad : new String[] {good.replace("\"seq\":1", "\"seq\":\"1\""),
        good.replace("\"seq\":1", "\"seq\":1.5"), good.replace("{", "{\"seq\":2,"), good + "x",
        good.replace("\"width\":640", "\"width\":99999999999")}) {
      assertThrows(ProtocolException.class,
          () -> Json.decodeStrict(bad.getBytes(StandardCharsets.UTF_8), SegmentNotification.class), bad);
    }
    byte[] latin1 = good.replace("h264", "h264\u00e9").getBytes(StandardCharsets.ISO_8859_1);
    var e = assertThrows(ProtocolException.class, () -> Json.decodeStrict(latin1, SegmentNotification.class));
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    assertEquals(Json.decode(good.getBytes(StandardCharsets.UTF_8), SegmentNotification.class),
        Json.decodeStrict(good.replace("{", "{\"newer\":[1],").getBytes(StandardCharsets.UTF_8),
            SegmentNotification.class), "unknown fields are ignored");
  }

  private static SegmentNotification media(String container, String init, Double frameRate) {
    return new SegmentNotification(1, "cam/2026/01/01/00/00/00.000-1.m4s", T, 3000, 1000, null, 1,
        "hvc1.1.6.L93.B0,fLaC", 1920, 1080, T, null, null, container, init, frameRate);
  }

  @Test
  void fmp4WithItsInitSegment_passes_andTsIsTheDefault() {
    assertEquals("", problems(media("fmp4", "cam/init/0123456789abcdef0123456789abcdef.mp4", 25.0)));
    assertEquals("", problems(media("ts", null, 29.97)));
    assertEquals("ts", withKeyAndCodec("cam/a.ts", "avc1.64001f").containerOrDefault());
    assertEquals("cam/init/0123456789abcdef0123456789abcdef.mp4",
        ObjectKeys.initKey("cam", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
    assertTrue(ObjectKeys.segmentKey("cam", java.time.Instant.ofEpochMilli(T), 3, "fmp4").endsWith("-3.m4s"));
  }

  @Test
  void mediaDescriptionOutsideItsGrammar_isAProblem() {
    assertTrue(problems(media("mp4", null, null)).contains("container must be"));
    assertTrue(problems(media("fmp4", null, null)).contains("init (the initialization segment's key) is required"));
    assertTrue(problems(media("ts", "cam/init/a.mp4", null)).contains("init is only allowed"));
    assertTrue(problems(media("fmp4", "cam/../x.mp4", null)).contains("init: key is not in normal form"));
    assertTrue(problems(media("fmp4", "cam/2026/01/01/00/00/00.000-1.m4s", null)).contains("init must differ"));
    for (double rate : new double[] {-1, 1001, Double.NaN}) {
      assertTrue(problems(media("ts", null, rate)).contains("frameRate must be"), String.valueOf(rate));
    }
  }

  @Test
  void targetSeconds_withinTheSegmentBounds_passes_andAbsentIsAllowed() {
    for (int seconds : new int[] {1, 3, 60}) {
      assertEquals("", problems(withKeyAndCodec("cam/a.ts", "h264").withTargetSeconds(seconds)));
    }
    assertEquals("", problems(withKeyAndCodec("cam/a.ts", "h264")));
  }

  @Test
  void targetSecondsZero_isRefusedWithTheBounds() {
    assertEquals("targetSeconds must be whole seconds in [1, 60]",
        problems(withKeyAndCodec("cam/a.ts", "h264").withTargetSeconds(0)));
  }

  @Test
  void targetSecondsAboveTheLongestSegment_isRefusedWithTheBounds() {
    assertEquals("targetSeconds must be whole seconds in [1, 60]",
        problems(withKeyAndCodec("cam/a.ts", "h264").withTargetSeconds(61)));
  }

  @Test
  void targetSecondsNegative_isRefusedWithTheBounds() {
    assertEquals("targetSeconds must be whole seconds in [1, 60]",
        problems(withKeyAndCodec("cam/a.ts", "h264").withTargetSeconds(-3)));
  }

  @Test
  void targetSecondsFor_roundsTheConfiguredLengthAsRfc8216RoundsExtinf() {
    assertEquals(3, SegmentDuration.targetSecondsFor(3000));
    assertEquals(3, SegmentDuration.targetSecondsFor(2500)); // 2.5 s rounds up to 3
    assertEquals(2, SegmentDuration.targetSecondsFor(2499));
    assertEquals(1, SegmentDuration.targetSecondsFor(200)); // never below 1
    assertEquals(60, SegmentDuration.targetSecondsFor(90_000));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SegmentDuration.targetSecondsFor(0));
    assertTrue(e.getMessage().contains("> 0 ms"), e.getMessage());
  }

  @Test
  void targetSeconds_survivesTheWireAndIsAbsentWhenUnset() {
    SegmentNotification n = withKeyAndCodec("cam/a.ts", "h264").withTargetSeconds(3);
    String json = Json.encodeToString(n);
    assertTrue(json.contains("\"targetSeconds\":3"), json);
    assertEquals(n, Json.decode(json.getBytes(StandardCharsets.UTF_8), SegmentNotification.class));
    assertTrue(!Json.encodeToString(withKeyAndCodec("cam/a.ts", "h264")).contains("targetSeconds"));
  }

  private static SegmentNotification scrubbing(Long offset, Long length, String thumbnail) {
    return new SegmentNotification(1, "cam/2026/01/01/00/00/00.000-1.ts", T, 3000, 1000, null, 1, "avc1.64001f", 640,
        360, T, null, null, null, null, null, null, offset == null && length == null ? null
            : new SegmentNotification.KeyFrame(offset, length), thumbnail);
  }

  @Test
  void keyFrameInsideTheSegmentAndAThumbnailKey_pass_andRoundTripThroughJson() {
    SegmentNotification n = scrubbing(0L, 1000L, "cam/thumbs/2026/01/01/00/00/00.000-1.jpg");
    assertEquals("", problems(n));
    String json = new String(Json.encode(n), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"keyFrame\":{\"offset\":0,\"length\":1000}"), json);
    assertEquals(n, Json.decodeStrict(json.getBytes(StandardCharsets.UTF_8), SegmentNotification.class));
    assertEquals("cam/thumbs/2026/01/01/00/00/00.000-1.jpg",
        ObjectKeys.thumbnailKey("cam", java.time.Instant.parse("2026-01-01T00:00:00Z"), 1));
  }

  @Test
  void keyFrameOrThumbnailOutsideTheirGrammar_isAProblem() {
    assertTrue(problems(scrubbing(null, 10L, null)).contains("keyFrame needs offset and length"));
    assertTrue(problems(scrubbing(-1L, 10L, null)).contains("keyFrame.offset must be >= 0"));
    assertTrue(problems(scrubbing(0L, 0L, null)).contains("keyFrame.length must be > 0"));
    assertTrue(problems(scrubbing(990L, 11L, null)).contains("must lie within the segment's 1000 bytes"));
    assertTrue(problems(scrubbing(0L, Long.MAX_VALUE, null)).contains("must lie within"), "no overflow");
    assertTrue(problems(scrubbing(null, null, "cam/../x.jpg")).contains("thumbnail: key is not in normal form"));
    assertTrue(problems(scrubbing(null, null, "cam/2026/01/01/00/00/00.000-1.ts")).contains("thumbnail must differ"));
  }
}
