package io.ipchls.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CameraEventTest {
  private static final long T = 1_795_000_000_000L;

  private static CameraEvent decode(String json) {
    return Json.decodeStrict(json.getBytes(StandardCharsets.UTF_8), CameraEvent.class);
  }

  @Test
  void everyType_withAndWithoutEnd_passes() {
    for (String type : CameraEvent.TYPES) {
      assertEquals("", String.join("; ", new CameraEvent(1, "e-1", type, null, T, null, null).problems()), type);
      assertEquals("", String.join("; ", new CameraEvent(1, "e:2.x_y", type, "Front door", T, T + 5000,
          Map.of("zone", "porch", "score", 0.93, "n", 3, "night", true)).problems()), type);
    }
  }

  @Test
  void decodedFromJson_keepsDataTypes() {
    CameraEvent e = decode("{\"v\":1,\"id\":\"m-7\",\"type\":\"motion\",\"start\":" + T + ",\"end\":" + (T + 1)
        + ",\"data\":{\"zone\":\"a\",\"score\":0.5,\"n\":2,\"b\":false}}");
    assertEquals("", String.join("; ", e.problems()));
    assertEquals(Map.of("zone", "a", "score", 0.5, "n", 2, "b", false), e.data());
  }

  @Test
  void badFields_eachHaveTheirCode() {
    assertEquals("unsupported_version", new CameraEvent(2, "e", "motion", null, T, null, null).problemCode());
    assertEquals("bad_id", new CameraEvent(1, "a b", "motion", null, T, null, null).problemCode());
    assertEquals("bad_id", new CameraEvent(1, "x".repeat(65), "motion", null, T, null, null).problemCode());
    assertEquals("bad_type", new CameraEvent(1, "e", "explosion", null, T, null, null).problemCode());
    assertEquals("bad_label", new CameraEvent(1, "e", "custom", "caf\u00e9", T, null, null).problemCode());
    assertEquals("bad_label", new CameraEvent(1, "e", "custom", "x".repeat(65), T, null, null).problemCode());
    assertEquals("bad_start", new CameraEvent(1, "e", "motion", null, 5, null, null).problemCode());
    assertEquals("bad_end", new CameraEvent(1, "e", "motion", null, T, T - 1, null).problemCode());
    assertEquals("bad_end", new CameraEvent(1, "e", "motion", null, T, T + CameraEvent.MAX_DURATION_MS + 1, null)
        .problemCode());
    assertEquals("bad_data", new CameraEvent(1, "e", "motion", null, T, null, Map.of("a b", 1)).problemCode());
    assertEquals("bad_data", new CameraEvent(1, "e", "motion", null, T, null, Map.of("k", Map.of())).problemCode());
  }

  @Test
  void nestedOrNullDataValues_areAProblem() {
    for (String data : new String[] {"{\"a\":{\"b\":1}}", "{\"a\":[1]}", "{\"a\":null}", "{\"a\":\"\\u0007\"}",
        "{\"a\":123456789012345678901234567890}"}) {
      CameraEvent e = decode("{\"v\":1,\"id\":\"e\",\"type\":\"sound\",\"start\":" + T + ",\"data\":" + data + "}");
      assertTrue(String.join("; ", e.problems()).contains("data.a must be"), data);
    }
  }

  @Test
  void wrongJsonTypes_areRefusedWhileDecoding() {
    assertThrows(ProtocolException.class, () -> decode("{\"v\":1,\"id\":\"e\",\"type\":\"motion\",\"start\":\"1\"}"));
    assertThrows(ProtocolException.class, () -> decode("{\"v\":1,\"id\":\"e\",\"type\":\"motion\",\"start\":" + T
        + ",\"data\":[1]}"));
  }
}
