package io.ipchls.device.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.protocol.SegmentNotification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotificationJournalTest {
  @TempDir Path dir;

  private static SegmentNotification n(int seq) {
    return new SegmentNotification(SegmentNotification.VERSION, "cam/2026/01/01/00/00/0" + seq + ".000-" + seq + ".ts",
        1_700_000_000_000L + seq * 1000, /* durationMs= */ 1000, /* bytes= */ 100, /* sha256= */ null, seq,
        "avc1.42c01e", /* width= */ 320, /* height= */ 180, /* deviceTime= */ 1_700_000_009_000L,
        /* clockJump= */ null, null);
  }

  @Test
  void recorded_untilRemoved_andReadBackOldestFirst_byANewInstance() {
    NotificationJournal journal = new NotificationJournal(dir);
    journal.record(n(2));
    journal.record(n(0));
    journal.record(n(1));
    journal.remove(n(1).key());
    assertEquals(List.of(n(0), n(2)), new NotificationJournal(dir).pending());
  }

  @Test
  void unreadableOrHalfWrittenEntries_areDeleted() throws IOException {
    NotificationJournal journal = new NotificationJournal(dir);
    journal.record(n(0));
    Files.writeString(dir.resolve("broken.json"), "{\"v\":1,");
    Files.writeString(dir.resolve("x.json.tmp"), "{");
    assertEquals(List.of(n(0)), journal.pending());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }
}
