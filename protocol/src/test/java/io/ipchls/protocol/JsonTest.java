package io.ipchls.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void segmentNotification_roundTripsAndValidates() {
    var n = new SegmentNotification(SegmentNotification.VERSION, "c/2026/11/21/09/05/07.042-1.ts",
        /* start= */ 1_795_000_000_000L, /* durationMs= */ 3000, /* bytes= */ 123456, "a".repeat(64), /* seq= */ 1,
        "h264", /* width= */ 640, /* height= */ 360, /* deviceTime= */ 1_795_000_003_000L, null, null);
    byte[] json = Json.encode(n);
    assertFalse(new String(json, StandardCharsets.UTF_8).contains("clockJump"), "nulls are omitted");
    assertEquals(n, Json.decode(json, SegmentNotification.class));
    assertTrue(n.problems().isEmpty());
  }

  @Test
  void segmentNotification_restartMark_isOptionalOnTheWire() {
    String older = "{\"v\":1,\"key\":\"c/2026/11/21/09/05/07.042-0.ts\",\"start\":1795000000000,\"durationMs\":3000,"
        + "\"bytes\":1,\"seq\":0,\"width\":0,\"height\":0,\"deviceTime\":1795000000000}";
    assertEquals(null, Json.decodeStrict(older.getBytes(StandardCharsets.UTF_8), SegmentNotification.class)
        .discontinuity(), "a camera without the field sends no mark");
    String marked = older.replace("}", ",\"discontinuity\":true}");
    assertEquals(Boolean.TRUE, Json.decodeStrict(marked.getBytes(StandardCharsets.UTF_8), SegmentNotification.class)
        .discontinuity());
  }

  @Test
  void segmentNotification_problemsNameEachField() {
    var bad = new SegmentNotification(/* v= */ 2, "../x.ts", /* start= */ 0, /* durationMs= */ 0, /* bytes= */ 0, "XYZ",
        /* seq= */ -1, "h264", /* width= */ -1, /* height= */ 0, /* deviceTime= */ 0, null, null);
    var p = String.join(";", bad.problems());
    for (String f : new String[] {"v=2", "key", "start", "durationMs", "bytes", "sha256", "seq", "width"}) {
      assertTrue(p.contains(f), p + " should name " + f);
    }
  }

  @Test
  void decode_reasonsForBadPayloads() {
    assertThrows(ProtocolException.class, () -> Json.decode(new byte[0], SegmentNotification.class));
    assertThrows(ProtocolException.class, () -> Json.decode(b("{not json"), SegmentNotification.class));
    assertThrows(ProtocolException.class, () -> Json.decode(b("null"), SegmentNotification.class));
    assertThrows(ProtocolException.class, () -> Json.decode(b("{\"v\":1,\"start\":\"x\"}"), SegmentNotification.class));
    assertThrows(ProtocolException.class, () -> Json.decode(new byte[Json.MAX_PAYLOAD_BYTES + 1], CredentialRequest.class));
    var e = assertThrows(ProtocolException.class, () -> Json.decode(b("{\"v\":9,\"requestId\":\"r\"}"), CredentialRequest.class));
    assertTrue(e.getMessage().contains("v=9"), e.getMessage());
  }

  @Test
  void credentialResponse_toStringHidesSecrets() {
    var r = new CredentialResponse(/* v= */ 1, "r", "AK", "SECRET", "TOKEN", /* expiration= */ 1L, null, "us-east-1",
        "b", "p", /* pathStyle= */ true, null);
    assertFalse(r.toString().contains("SECRET"));
    assertFalse(r.toString().contains("TOKEN"));
  }
}
