package io.ipchls.device.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipchls.device.segment.Segment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadQueueTest {
  @TempDir Path dir;

  private static Segment segment(long seq, int size) {
    byte[] b = new byte[size];
    return new Segment(b, 1_700_000_000_000L + seq * 1000, /* durationMs= */ 1000, seq, /* width= */ 0,
        /* height= */ 0, "h264", Segment.sha256Hex(b), /* clockJump= */ false);
  }

  @Test
  void overBudget_wholeOldestSegmentsAreDropped_andCounted() throws InterruptedException {
    UploadQueue q = new UploadQueue(1000, null);
    assertEquals(0, q.offer(segment(/* seq= */ 0, /* size= */ 400)));
    assertEquals(0, q.offer(segment(/* seq= */ 1, /* size= */ 400)));
    assertEquals(1, q.offer(segment(/* seq= */ 2, /* size= */ 400)));
    assertEquals(1, q.dropped());
    assertEquals(800, q.bytes());
    assertEquals(1, q.poll(0, TimeUnit.MILLISECONDS).seq());
    assertEquals(2, q.poll(0, TimeUnit.MILLISECONDS).seq());
    assertNull(q.poll(0, TimeUnit.MILLISECONDS));
  }

  @Test
  void aSegmentLargerThanTheBudget_isKept_whenItIsTheOnlyOne() throws InterruptedException {
    UploadQueue q = new UploadQueue(1000, null);
    q.offer(segment(/* seq= */ 0, /* size= */ 5000));
    assertEquals(0, q.dropped());
    assertEquals(0, q.poll(0, TimeUnit.MILLISECONDS).seq());
  }

  @Test
  void withASpool_segmentsOverBudgetAreSpooled_notDropped() {
    SegmentSpool spool = new SegmentSpool(dir, 1 << 20);
    UploadQueue q = new UploadQueue(1000, spool);
    for (int i = 0; i < 4; i++) q.offer(segment(/* seq= */ i, /* size= */ 400));
    assertEquals(0, q.dropped());
    assertEquals(2, q.size());
    assertEquals(2, spool.size());
    assertEquals(0, spool.oldest().orElseThrow().seq());
    q.spillAll();
    assertEquals(0, q.size());
    assertEquals(4, spool.size());
  }

  @Test
  void requeue_putsTheSegmentBackFirst() throws InterruptedException {
    UploadQueue q = new UploadQueue(1000, null);
    q.offer(segment(/* seq= */ 1, /* size= */ 100));
    Segment s = q.poll(0, TimeUnit.MILLISECONDS);
    q.offer(segment(/* seq= */ 2, /* size= */ 100));
    q.requeue(s);
    assertEquals(1, q.poll(0, TimeUnit.MILLISECONDS).seq());
  }
}
