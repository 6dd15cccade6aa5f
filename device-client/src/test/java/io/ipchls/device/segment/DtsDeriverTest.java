package io.ipchls.device.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DtsDeriverTest {
  private static final long F = 3_600;

  /** PTS in frame units, given in decoding order, to DTS in frame units. */
  private static List<Long> derive(int depth, long... ptsFrames) {
    DtsDeriver d = new DtsDeriver(depth, F);
    return java.util.Arrays.stream(ptsFrames).map(p -> d.next(p * F) / F).boxed().toList();
  }

  @Test
  void bPyramid_getsTheDtsOfAReorderBufferOfTwo() {
    // I0 P3 B2 b1 P6 B5 b4: decoding times are the presentation times two pictures behind
    assertEquals(List.of(-2L, -1L, 0L, 1L, 2L, 3L, 4L), derive(2, 0, 3, 2, 1, 6, 5, 4));
  }

  @Test
  void noReordering_dtsIsPts_evenAcrossGaps() {
    assertEquals(List.of(0L, 1L, 5L, 6L), derive(0, 0, 1, 5, 6));
  }

  @Test
  void droppedPictures_keepTheDtsAtOrBeforeThePts() {
    // I0 P3 B2 b1 P6 [B5 dropped] b4 P9
    assertEquals(List.of(-2L, -1L, 0L, 1L, 2L, 3L, 4L), derive(2, 0, 3, 2, 1, 6, 4, 9));
  }

  @Test
  void reorderingDeeperThanDeclared_isRefused_andChangesNothing() {
    DtsDeriver d = new DtsDeriver(1, F);
    d.next(0);
    d.next(3 * F);
    assertEquals(2 * F, d.next(2 * F)); // follows one picture (3) in decoding, precedes it in output: depth 1
    // picture 1 would follow two (3 and 2): its DTS would go back
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.next(F));
    assertEquals(true, e.getMessage().contains("reorders at most 1 pictures"), e.getMessage());
    assertEquals(3 * F, d.next(4 * F), "the refused picture left no trace");
  }

  @Test
  void repeatedPts_isRefused() {
    DtsDeriver d = new DtsDeriver(2, F);
    d.next(0);
    d.next(3 * F);
    assertThrows(IllegalArgumentException.class, () -> d.next(3 * F));
  }
}
