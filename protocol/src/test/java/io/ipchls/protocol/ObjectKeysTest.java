package io.ipchls.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {
  @Test
  void segmentKey_followsSeedLayoutWithMillisAndSeq() {
    Instant t = Instant.parse("2026-11-21T09:05:07.042Z");
    assertEquals("cam-1/2026/11/21/09/05/07.042-17.ts", ObjectKeys.segmentKey("cam-1", t, 17));
  }

  @Test
  void segmentKey_twoSegmentsInOneSecondDiffer() {
    Instant t = Instant.parse("2026-11-21T09:05:07Z");
    assertNotEquals(ObjectKeys.segmentKey("c", t, 1), ObjectKeys.segmentKey("c", t.plusMillis(500), 2));
    assertNotEquals(ObjectKeys.segmentKey("c", t, 1), ObjectKeys.segmentKey("c", t, 2));
  }

  @Test
  void isUnder_refusesTraversalAndOddForms() {
    assertTrue(ObjectKeys.isUnder("cam-a/2026/x.ts", "cam-a"));
    assertFalse(ObjectKeys.isUnder("cam-a/../cam-b/x.ts", "cam-a"));
    assertFalse(ObjectKeys.isUnder("cam-a//x.ts", "cam-a"));
    assertFalse(ObjectKeys.isUnder("/cam-a/x.ts", "cam-a"));
    assertFalse(ObjectKeys.isUnder("cam-a/./x.ts", "cam-a"));
    assertFalse(ObjectKeys.isUnder("cam-ab/x.ts", "cam-a"));
    assertFalse(ObjectKeys.isUnder("cam-a", "cam-a"));
    assertFalse(ObjectKeys.isUnder("cam-a/x\\..\\y.ts", "cam-a"));
    assertFalse(ObjectKeys.isUnder("cam-a/x\n.ts", "cam-a"));
  }

  @Test
  void servicePrefix_isTheSegmentAndWhatLiesUnderIt_notLookalikes() {
    assertTrue(ObjectKeys.isServicePrefix("ipchls"));
    assertTrue(ObjectKeys.isServicePrefix("ipchls/exports"));
    assertTrue(ObjectKeys.EXPORTS_PREFIX.startsWith(ObjectKeys.SERVICE_SEGMENT + "/"));
    assertFalse(ObjectKeys.isServicePrefix("ipchls-cam"), "a camera prefix that only starts like it");
    assertFalse(ObjectKeys.isServicePrefix("site/ipchls"));
  }
}
