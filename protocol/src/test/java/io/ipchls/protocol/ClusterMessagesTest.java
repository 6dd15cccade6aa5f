package io.ipchls.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON of every cluster message keeps the field names members of the previous version send and expect (a rolling
 * upgrade runs both in one cluster); the expected strings are what they built by hand.
 */
class ClusterMessagesTest {
  @Test
  void brokerLogin_requestAndDecisions_keepTheirFieldNames() {
    assertEquals("{\"clientId\":\"c\",\"username\":\"u\",\"password\":\"p\"}",
        Json.encodeToString(new BrokerLoginRequest("c", "u", "p")));
    assertEquals("{\"ok\":true,\"role\":\"camera\",\"cameraId\":\"cam-1\"}",
        Json.encodeToString(BrokerLoginDecision.camera("cam-1")));
    assertEquals("{\"ok\":true,\"role\":\"service\"}", Json.encodeToString(BrokerLoginDecision.service()));
    assertEquals("{\"ok\":false,\"reason\":\"busy\"}", Json.encodeToString(BrokerLoginDecision.refused("busy")));
  }

  @Test
  void brokerLoginRequest_incomplete_isRefusedAndHidesThePassword() {
    var noUser = Json.decodeClusterValue("{\"clientId\":\"c\",\"password\":\"p\"}", BrokerLoginRequest.class);
    assertThrows(ProtocolException.class, noUser::requireComplete);
    var noClient = Json.decodeClusterValue("{\"username\":\"u\",\"password\":\"p\"}", BrokerLoginRequest.class);
    assertThrows(ProtocolException.class, noClient::requireComplete);
    assertFalse(new BrokerLoginRequest("c", "u", "SECRET").toString().contains("SECRET"));
  }

  @Test
  void segmentsIndexed_roundTripsWithTheOldFieldNames() {
    var event = new SegmentsIndexed(List.of("cam-1"),
        List.of(new SegmentsIndexed.Entry("cam-1", /* start= */ 1_795_000_000_000L, /* durationMs= */ 3000,
            "cam-1/k.ts", /* discontinuity= */ null, /* mediaSequence= */ null, /* discontinuitySequence= */ null)));
    String json = Json.encodeToString(event);
    assertEquals("{\"cameras\":[\"cam-1\"],\"segments\":[{\"cameraId\":\"cam-1\",\"start\":1795000000000,"
        + "\"durationMs\":3000,\"key\":\"cam-1/k.ts\"}]}", json);
    assertEquals(event, Json.decodeClusterValue(json, SegmentsIndexed.class));
  }

  @Test
  void segmentsIndexed_liveNumbers_travelAsMediaSequenceAndDiscontinuitySequence() {
    var event = new SegmentsIndexed(List.of("cam-1"), List.of(new SegmentsIndexed.Entry("cam-1",
        /* start= */ 1_795_000_000_000L, /* durationMs= */ 3000, "cam-1/k.ts", /* discontinuity= */ null,
        /* mediaSequence= */ 41L, /* discontinuitySequence= */ 2L)));
    String json = Json.encodeToString(event);
    assertEquals("{\"cameras\":[\"cam-1\"],\"segments\":[{\"cameraId\":\"cam-1\",\"start\":1795000000000,"
        + "\"durationMs\":3000,\"key\":\"cam-1/k.ts\",\"mediaSequence\":41,\"discontinuitySequence\":2}]}", json);
    assertEquals(event, Json.decodeClusterValue(json, SegmentsIndexed.class));
    assertTrue(event.segments().get(0).isNumbered());
  }

  @Test
  void segmentsIndexed_fmp4InitSegment_travelsAsInit_absentForMpegTs() {
    var event = new SegmentsIndexed(List.of("cam-1"), List.of(new SegmentsIndexed.Entry("cam-1",
        /* start= */ 1_795_000_000_000L, /* durationMs= */ 3000, "cam-1/k.m4s", /* discontinuity= */ null,
        /* mediaSequence= */ 41L, /* discontinuitySequence= */ 2L, "cam-1/init/0123456789abcdef0123456789abcdef.mp4")));
    String json = Json.encodeToString(event);
    assertEquals("{\"cameras\":[\"cam-1\"],\"segments\":[{\"cameraId\":\"cam-1\",\"start\":1795000000000,"
        + "\"durationMs\":3000,\"key\":\"cam-1/k.m4s\",\"mediaSequence\":41,\"discontinuitySequence\":2,"
        + "\"init\":\"cam-1/init/0123456789abcdef0123456789abcdef.mp4\"}]}", json);
    assertEquals(event, Json.decodeClusterValue(json, SegmentsIndexed.class));
    // an older publisher's entry: MPEG-TS
    var old = Json.decodeClusterValue("{\"segments\":[{\"cameraId\":\"cam-1\",\"start\":1795000000000,"
        + "\"durationMs\":3000,\"key\":\"cam-1/k.ts\"}]}", SegmentsIndexed.class);
    assertEquals(null, old.segments().get(0).init());
  }

  @Test
  void segmentsIndexed_restartMarkAndLiveNumbers_travelTogether() {
    var event = new SegmentsIndexed(List.of("cam-1"), List.of(new SegmentsIndexed.Entry("cam-1",
        /* start= */ 1_795_000_000_000L, /* durationMs= */ 3000, "cam-1/k.ts", /* discontinuity= */ true,
        /* mediaSequence= */ 41L, /* discontinuitySequence= */ 3L)));
    String json = Json.encodeToString(event);
    assertEquals("{\"cameras\":[\"cam-1\"],\"segments\":[{\"cameraId\":\"cam-1\",\"start\":1795000000000,"
        + "\"durationMs\":3000,\"key\":\"cam-1/k.ts\",\"discontinuity\":true,\"mediaSequence\":41,"
        + "\"discontinuitySequence\":3}]}", json);
    assertEquals(event, Json.decodeClusterValue(json, SegmentsIndexed.class));
    assertTrue(event.segments().get(0).startsRun());
    assertTrue(event.segments().get(0).isNumbered());
  }

  @Test
  void segmentsIndexed_incompleteEntries_areMarkedNotDropped() {
    var event = Json.decodeClusterValue("{\"segments\":[{\"cameraId\":\"cam-1\",\"start\":1,\"durationMs\":0,"
        + "\"key\":\"k\"},{\"cameraId\":\"cam-1\",\"start\":1,\"durationMs\":5,\"key\":\"k\"},{}]}",
        SegmentsIndexed.class);
    assertEquals(List.of(false, true, false), event.segments().stream().map(SegmentsIndexed.Entry::isComplete).toList());
    assertEquals(List.of(), event.cameras());
  }

  @Test
  void segmentsIndexed_bigBatches_areNotCappedLikeCameraPayloads() {
    var entries = java.util.stream.IntStream.range(0, 1000)
        .mapToObj(i -> new SegmentsIndexed.Entry("cam-1", (long) i, /* durationMs= */ 1000, "cam-1/" + i + ".ts",
            /* discontinuity= */ null, (long) i, /* discontinuitySequence= */ 0L)).toList();
    String json = Json.encodeToString(new SegmentsIndexed(List.of("cam-1"), entries));
    assertTrue(json.length() > Json.MAX_PAYLOAD_BYTES);
    assertEquals(1000, Json.decodeClusterValue(json, SegmentsIndexed.class).segments().size());
  }

  @Test
  void cameraChanged_isTheBareCameraId() {
    assertEquals("cam-1", new CameraChanged("cam-1").toBody());
    assertEquals(new CameraChanged("cam-1"), CameraChanged.fromBody("cam-1"));
    assertThrows(ProtocolException.class, () -> CameraChanged.fromBody(42));
    assertThrows(ProtocolException.class, () -> CameraChanged.fromBody("../x"));
  }

  @Test
  void opsSnapshot_keepsTheOldFieldOrderAndNames() {
    var s = new OpsSnapshot("ingest-service", "ingest-service-1", "m", "h", 7, 8080, "1.0", 1, 2, 3,
        Map.of("status", "UP"), Map.of("indexed", 5));
    assertEquals("{\"service\":\"ingest-service\",\"instance\":\"ingest-service-1\",\"member\":\"m\",\"host\":\"h\","
        + "\"pid\":7,\"httpPort\":8080,\"version\":\"1.0\",\"startedAt\":1,\"uptimeMs\":2,\"reportedAt\":3,"
        + "\"health\":{\"status\":\"UP\"},\"stats\":{\"indexed\":5}}", Json.encodeToString(s));
    assertTrue(s.healthy());
    assertEquals(s, Json.decodeClusterValue(Json.encodeToString(s), OpsSnapshot.class));
  }

  @Test
  void onlineCamera_keepsTheStatusFields() {
    var entry = OnlineCamera.of(
        CameraStatus.online(/* now= */ 10, /* uploaded= */ 3, /* dropped= */ 1), /* receivedAt= */ 11);
    assertEquals("{\"state\":\"online\",\"time\":10,\"receivedAt\":11,\"uploaded\":3,\"dropped\":1}",
        Json.encodeToString(entry));
    assertEquals(entry, Json.decodeClusterValue(Json.encodeToString(entry), OnlineCamera.class));
  }

  @Test
  void storageKeyIndex_isAFlatObjectOfExpiries_prunedOnAdd() {
    var index = StorageKeyIndex.fromJson("{\"AK1\":100,\"AK2\":300}").pruneAndAdd(/* nowMs= */ 200, "AK3",
        /* expiresAt= */ 400);
    assertEquals(Map.of("AK2", 300L, "AK3", 400L), index.expiresAtByKeyId());
    assertEquals(index, StorageKeyIndex.fromJson(index.toJson()));
    assertTrue(index.toJson().startsWith("{\"AK"), index.toJson());
  }
}
