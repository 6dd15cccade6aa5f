package io.ipchls.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicsTest {
  @Test
  void builders_and_parse_roundTrip() {
    for (Topics.Kind k : Topics.Kind.values()) {
      String t = Topics.of("cam-1", k);
      assertEquals(Optional.of(new Topics.CameraTopic("cam-1", k)), Topics.parse(t));
    }
    assertEquals("cameras/cam-1/segments", Topics.segments("cam-1"));
    assertEquals("cameras/cam-1/credentials/request", Topics.credentialsRequest("cam-1"));
  }

  @Test
  void parse_rejectsForeignShapes() {
    assertTrue(Topics.parse("cameras/+/segments").isEmpty());
    assertTrue(Topics.parse("cameras/Cam/segments").isEmpty());
    assertTrue(Topics.parse("cameras/cam/segments/extra").isEmpty());
    assertTrue(Topics.parse("cameras//segments").isEmpty());
    assertTrue(Topics.parse("other/cam/segments").isEmpty());
    assertTrue(Topics.parse(null).isEmpty());
  }

  @Test
  void builder_refusesInvalidId() {
    assertThrows(IllegalArgumentException.class, () -> Topics.segments("../x"));
    assertThrows(IllegalArgumentException.class, () -> Topics.segments("A"));
    assertThrows(IllegalArgumentException.class, () -> Topics.segments("x".repeat(64)));
  }

  @Test
  void cameraAcl_onlyOwnTopics() {
    assertTrue(Topics.cameraMayPublish("a", "cameras/a/segments"));
    assertTrue(Topics.cameraMayPublish("a", "cameras/a/credentials/request"));
    assertTrue(Topics.cameraMayPublish("a", "cameras/a/status"));
    assertFalse(Topics.cameraMayPublish("a", "cameras/b/segments"));
    assertFalse(Topics.cameraMayPublish("a", "cameras/a/credentials/response"));
    assertFalse(Topics.cameraMayPublish("a", "cameras/a/commands"));
    assertTrue(Topics.cameraMayPublish("a", "cameras/a/events"));
    assertFalse(Topics.cameraMayPublish("a", "cameras/b/events"));
    assertFalse(Topics.cameraMayPublish("a", "cameras/a/events/rejected"));
    assertTrue(Topics.cameraMaySubscribe("a", "cameras/a/events/rejected"));
    assertFalse(Topics.cameraMaySubscribe("a", "cameras/b/events/rejected"));
    assertFalse(Topics.cameraMaySubscribe("a", "cameras/a/events"));
    assertTrue(Topics.cameraMaySubscribe("a", "cameras/a/credentials/response"));
    assertTrue(Topics.cameraMaySubscribe("a", "cameras/a/commands"));
    assertFalse(Topics.cameraMaySubscribe("a", "cameras/b/credentials/response"));
    assertFalse(Topics.cameraMaySubscribe("a", "#"));
    assertFalse(Topics.cameraMaySubscribe("a", "cameras/a/#"));
    assertFalse(Topics.cameraMaySubscribe("a", "cameras/+/commands"));
  }
}
