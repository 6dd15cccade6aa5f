package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.ipchls.ingest.indexing.MixedTraffic.assertReason;

import io.ipchls.ingest.IngestTestSupport;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each field's grammar and range, one test per violation, each played in the middle of other cameras' traffic: the
 * offender is refused before any I/O with a reason naming the field, and everything else is indexed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NotificationGrammarTest {
  private static final long YEAR_2100_MS = SegmentNotification.MAX_EPOCH_MS;
  private static IngestTestSupport ingest;
  private static MixedTraffic traffic;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start();
    traffic = new MixedTraffic(ingest);
  }

  /** A good notification of the camera as JSON, changed by {@code edit}. */
  private static byte[] edited(String cameraId, UnaryOperator<JsonObject> edit) {
    JsonObject json = new JsonObject(new String(Json.encode(segment(cameraId, 1_000)), StandardCharsets.UTF_8));
    return edit.apply(json).encode().getBytes(StandardCharsets.UTF_8);
  }

  private void expect(String code, String mention, String what, UnaryOperator<JsonObject> edit) {
    assertReason(code, mention, traffic.rejectAmongGood(what, id -> edited(id, edit)));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void nulByteInCodec_isRefused() {
    expect("invalid_field", "codec", "nulcodec", j -> j.put("codec", "avc1\u0000"));
  }

  @Test
  void codecOutsideRfc6381Grammar_isRefused() {
    expect("invalid_field", "codec", "badcodec", j -> j.put("codec", "avc1 <script>"));
  }

  @Test
  void codecTooLong_isRefused() {
    expect("invalid_field", "codec", "longcodec", j -> j.put("codec", "avc1." + "a".repeat(80)));
  }

  @Test
  void controlCharacterInKey_isRefused() {
    expect("bad_key", "key", "ctlkey", j -> j.put("key", j.getString("key").replace(".ts", "\u0007.ts")));
  }

  @Test
  void nonAsciiKey_isRefused() {
    expect("bad_key", "key", "unikey", j -> j.put("key", j.getString("key").replace(".ts", "\u00e9\ud83d\ude00.ts")));
  }

  @Test
  void loneSurrogateInKey_isRefused() {
    // the JSON escape of a lone UTF-16 surrogate: valid JSON text, no valid character
    assertReason("bad_key", "key", traffic.rejectAmongGood("surrogate",
        id -> utf8(new String(edited(id, j -> j), StandardCharsets.UTF_8).replaceFirst("\\.ts\"", "\\\\ud800.ts\""))));
  }

  @Test
  void keyOverTheByteLimit_isRefused() {
    expect("bad_key", "1024 bytes", "longkey", j -> j.put("key", j.getString("key") + "/" + "k".repeat(1100)));
  }

  @Test
  void keyWithDoubleSlash_isRefused() {
    expect("bad_key", "normal form", "slashkey", j -> j.put("key", j.getString("key").replace("/", "//")));
  }

  @Test
  void missingKey_isRefused() {
    expect("bad_key", "key is missing", "nokey", j -> {
      j.remove("key");
      return j;
    });
  }

  @Test
  void startBefore2000_isRefused() {
    expect("invalid_field", "start", "y1999", j -> j.put("start", SegmentNotification.MIN_EPOCH_MS - 1));
  }

  @Test
  void deviceTimeBefore2000_isRefused() {
    expect("invalid_field", "deviceTime", "devtime0", j -> j.put("deviceTime", 0));
  }

  @Test
  void deviceTimeAfter2100_isRefused() {
    expect("invalid_field", "deviceTime", "devtime2100", j -> j.put("deviceTime", YEAR_2100_MS));
  }

  @Test
  void widthOverTheLimit_isRefused() {
    expect("invalid_field", "width", "wide", j -> j.put("width", SegmentNotification.MAX_DIMENSION + 1));
  }

  @Test
  void negativeHeight_isRefused() {
    expect("invalid_field", "height", "negheight", j -> j.put("height", -1));
  }

  @Test
  void negativeSeq_isRefused() {
    expect("invalid_field", "seq", "negseq", j -> j.put("seq", -1));
  }

  @Test
  void upperCaseSha256_isRefused() {
    expect("invalid_field", "sha256", "upsha", j -> j.put("sha256", "A".repeat(64)));
  }

  @Test
  void numberAsString_isRefused() {
    expect("malformed", "start", "strnum", j -> j.put("start", String.valueOf(j.getLong("start"))));
  }

  @Test
  void fractionForAnInteger_isRefused() {
    expect("malformed", "durationMs", "fraction", j -> j.put("durationMs", 3000.5));
  }

  @Test
  void numberBeyondItsType_isRefused() {
    assertReason("malformed", "width", traffic.rejectAmongGood("bigwidth",
        id -> utf8(new String(edited(id, j -> j), StandardCharsets.UTF_8).replaceFirst("\"width\":\\d+",
            "\"width\":99999999999"))));
  }

  @Test
  void numberForABoolean_isRefused() {
    expect("malformed", "clockJump", "boolnum", j -> j.put("clockJump", 1));
  }

  @Test
  void stringForTheRestartMark_isRefused() {
    expect("malformed", "discontinuity", "boolstr", j -> j.put("discontinuity", "true"));
  }

  @Test
  void objectForAString_isRefused() {
    expect("malformed", "codec", "objstr", j -> j.put("codec", new JsonObject().put("a", 1)));
  }

  @Test
  void duplicateField_isRefused() {
    assertReason("malformed", "Duplicate", traffic.rejectAmongGood("dupfield",
        id -> utf8(new String(edited(id, j -> j), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"seq\":1,"))));
  }

  @Test
  void trailingGarbage_isRefused() {
    assertReason("malformed", "", traffic.rejectAmongGood("trailing",
        id -> utf8(new String(edited(id, j -> j), StandardCharsets.UTF_8) + "{}")));
  }

  @Test
  void nonUtf8Payload_isRefused() {
    assertReason("malformed", "UTF-8", traffic.rejectAmongGood("latin1",
        id -> new String(edited(id, j -> j.put("codec", "h264\u00e9")), StandardCharsets.UTF_8)
            .getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void payloadOverTheSizeLimit_isRefused() {
    assertReason("malformed", "exceeds", traffic.rejectAmongGood("huge",
        id -> edited(id, j -> j.put("padding", "x".repeat(Json.MAX_PAYLOAD_BYTES)))));
  }

  @Test
  void unknownField_isIgnoredAndTheSegmentIndexed() {
    String id = IngestTestSupport.cameraId("unknownfield");
    byte[] payload = edited(id, j -> j.put("newerField", "x"));
    try (var cam = ingest.camera(id)) {
      cam.publishRaw(payload);
      ingest.awaitKeys(id, k -> k.size() == 1);
    }
  }

  /** A topic whose camera id breaks the id grammar cannot be answered: it is counted, dropped, and nothing waits. */
  private void droppedForItsTopic(String topicCameraId) {
    double before = ingest.metric("segments_rejected_total{reason=\"bad_topic\"}");
    String id = IngestTestSupport.cameraId("topic");
    try (var cam = ingest.camera(id)) {
      await(cam.client.publish("cameras/" + topicCameraId + "/segments",
          Buffer.buffer(Json.encode(segment(id, 2_000))), MqttQoS.AT_LEAST_ONCE, false, false));
      ingest.awaitMetric("segments_rejected_total{reason=\"bad_topic\"}", v -> v >= before + 1);
      SegmentNotification good = segment(id, 1_000);
      cam.publish(good);
      assertEquals(List.of(good.key()), ingest.awaitKeys(id, k -> !k.isEmpty()));
    }
  }

  @Test
  void upperCaseCameraIdInTopic_isCountedAndDropped() {
    droppedForItsTopic("Bad_Cam");
  }

  @Test
  void cameraIdLongerThan63InTopic_isCountedAndDropped() {
    droppedForItsTopic("c".repeat(64));
  }
}
