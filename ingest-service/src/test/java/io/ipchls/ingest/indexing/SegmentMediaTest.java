package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.IngestTestSupport.Camera;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentRejected;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16 item 2 through the camera's real path (MQTT notification → checks → batch → index_segments): the index keeps
 * each segment's container, init segment, codecs, resolution and frame rate as the playlists read them
 * ({@code segments_v1}); a notification without them is MPEG-TS; a media change is a discontinuity; an init segment
 * outside the camera's prefix and an fMP4 segment without one are refused on the rejected topic.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SegmentMediaTest {
  private static final String H264_AAC = "avc1.64001f,mp4a.40.2";
  private static final String HEVC_FLAC = "hvc1.1.6.L93.B0,fLaC";
  private static IngestTestSupport ingest;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start();
  }

  /** An fMP4 segment of the camera {@code ageMs} ago, {@code seq}-th, with the given media. */
  private static SegmentNotification fmp4(String camera, long start, long seq, String codec, int width, int height,
      String init) {
    return new SegmentNotification(SegmentNotification.VERSION,
        ObjectKeys.segmentKey(camera, Instant.ofEpochMilli(start), seq, SegmentNotification.CONTAINER_FMP4), start,
        /* durationMs= */ 3000, /* bytes= */ 90_000, null, seq, codec, width, height, System.currentTimeMillis(),
        null, null, SegmentNotification.CONTAINER_FMP4, init, /* frameRate= */ 25.0);
  }

  private static String initOf(String camera, char fill) {
    return ObjectKeys.initKey(camera, String.valueOf(fill).repeat(64));
  }

  /** The camera's rows as playlist-service reads them, in time order. */
  private static List<Row> rows(String camera) {
    var rows = await(ingest.pool.preparedQuery("""
        SELECT object_key, container, init_key, codec, width, height, frame_rate, discontinuity, discontinuity_seq
        FROM ingest.segments_v1 WHERE camera_id = $1 ORDER BY start_at""").execute(Tuple.of(camera)));
    List<Row> out = new ArrayList<>();
    rows.forEach(out::add);
    return out;
  }

  @Test
  void fmp4Notification_indexesContainerInitCodecsAndFrameRate() {
    String id = cameraId("fmp4");
    String init = initOf(id, 'a');
    SegmentNotification n = fmp4(id, System.currentTimeMillis() - 10_000, 1, H264_AAC, 1280, 720, init);
    try (Camera cam = ingest.camera(id)) {
      cam.publish(n);
      ingest.awaitKeys(id, k -> k.size() == 1);
    }
    Row r = rows(id).get(0);
    assertEquals(n.key(), r.getString("object_key"));
    assertTrue(n.key().endsWith(".m4s"), n.key());
    assertEquals("fmp4", r.getString("container"));
    assertEquals(init, r.getString("init_key"));
    assertEquals(H264_AAC, r.getString("codec"));
    assertEquals(1280, r.getInteger("width"));
    assertEquals(720, r.getInteger("height"));
    assertEquals(25.0, r.getDouble("frame_rate"));
    assertEquals(false, r.getBoolean("discontinuity"));
  }

  @Test
  void notificationWithoutMedia_isIndexedAsMpegTs() {
    String id = cameraId("olderts");
    try (Camera cam = ingest.camera(id)) {
      cam.publish(segment(id, 5_000));
      ingest.awaitKeys(id, k -> k.size() == 1);
    }
    Row r = rows(id).get(0);
    assertEquals("ts", r.getString("container"));
    assertNull(r.getString("init_key"));
    assertNull(r.getDouble("frame_rate"));
  }

  @Test
  void previousIndexingSignature_stillIndexes_asMpegTs() {
    // an ingest instance not upgraded yet (rolling upgrade) calls V33's 16-argument form
    String id = cameraId("oldsig");
    var start = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(30);
    String key = ObjectKeys.segmentKey(id, start.toInstant(), 1);
    var rows = await(ingest.pool.preparedQuery("""
        SELECT camera, object_key, media_seq FROM ingest.index_segments(ARRAY[$1], ARRAY[$2::timestamptz],
          ARRAY[3000], ARRAY[$3], ARRAY[1000::bigint], ARRAY[NULL::text], ARRAY[1::bigint], ARRAY['avc1.42e01e'],
          ARRAY[640], ARRAY[360], ARRAY[$2::timestamptz], ARRAY[false], ARRAY[false], 180000, 18000, 1000)""")
        .execute(Tuple.of(id, start, key)));
    assertEquals(1, rows.size());
    Row r = rows(id).get(0);
    assertEquals(key, r.getString("object_key"));
    assertEquals("ts", r.getString("container"));
    assertNull(r.getString("init_key"));
  }

  @Test
  void codecOrResolutionChange_isADiscontinuityWithTheNewInit() {
    String id = cameraId("change");
    long t0 = System.currentTimeMillis() - 60_000;
    String h264 = initOf(id, 'b');
    String hevc = initOf(id, 'c');
    String hevcSmaller = initOf(id, 'd');
    try (Camera cam = ingest.camera(id)) {
      // contiguous in time (3 s each), no restart flag: only the media changes
      // (one at a time, as a camera sends them: each indexed before the next)
      List<SegmentNotification> sent = List.of(fmp4(id, t0, 1, H264_AAC, 1280, 720, h264),
          fmp4(id, t0 + 3000, 2, H264_AAC, 1280, 720, h264), fmp4(id, t0 + 6000, 3, HEVC_FLAC, 1280, 720, hevc),
          fmp4(id, t0 + 9000, 4, HEVC_FLAC, 640, 360, hevcSmaller),
          fmp4(id, t0 + 12_000, 5, HEVC_FLAC, 640, 360, hevcSmaller));
      for (int i = 0; i < sent.size(); i++) {
        cam.publish(sent.get(i));
        int indexed = i + 1;
        ingest.awaitKeys(id, k -> k.size() == indexed);
      }
    }
    List<Row> rows = rows(id);
    assertEquals(List.of(false, false, true, true, false), rows.stream().map(r -> r.getBoolean("discontinuity")).toList());
    // the live numbering counts them as discontinuities too, so live playlists' DISCONTINUITY-SEQUENCE stays right
    assertEquals(List.of(0L, 0L, 1L, 2L, 2L), rows.stream().map(r -> r.getLong("discontinuity_seq")).toList());
    assertEquals(List.of(h264, h264, hevc, hevcSmaller, hevcSmaller),
        rows.stream().map(r -> r.getString("init_key")).toList());
  }

  @Test
  void initOutsideCameraPrefix_isRejected() {
    String id = cameraId("initout");
    String foreign = initOf("someone-else", 'e');
    try (Camera cam = ingest.camera(id)) {
      SegmentNotification bad = fmp4(id, System.currentTimeMillis() - 5_000, 1, H264_AAC, 640, 360, foreign);
      cam.publish(bad);
      SegmentRejected r = cam.awaitRejection();
      assertTrue(r.reason().startsWith("init_outside_prefix: "), r.reason());
      assertTrue(r.reason().contains(id + "/"), r.reason());
      assertEquals(bad.key(), r.key());
      // the camera's next good segment is indexed, the refused one never
      SegmentNotification good = fmp4(id, System.currentTimeMillis() - 2_000, 2, H264_AAC, 640, 360, initOf(id, 'f'));
      cam.publish(good);
      assertEquals(List.of(good.key()), ingest.awaitKeys(id, k -> !k.isEmpty()));
    }
  }

  @Test
  void fmp4WithoutInit_isRejected() {
    String id = cameraId("noinit");
    try (Camera cam = ingest.camera(id)) {
      SegmentNotification bad = fmp4(id, System.currentTimeMillis() - 5_000, 1, H264_AAC, 640, 360, null);
      cam.publish(bad);
      SegmentRejected r = cam.awaitRejection();
      assertTrue(r.reason().startsWith("invalid_field: "), r.reason());
      assertTrue(r.reason().contains("init"), r.reason());
      assertEquals(bad.key(), r.key());
      SegmentNotification good = segment(id, 1_000);
      cam.publish(good);
      assertEquals(List.of(good.key()), ingest.awaitKeys(id, k -> !k.isEmpty()));
    }
  }
}
