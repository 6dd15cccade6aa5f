package io.ipchls.device.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.protocol.SegmentNotification;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationOutboxTest {
  private final List<String> ackedKeys = new ArrayList<>();

  private static SegmentNotification n(int seq) {
    return new SegmentNotification(SegmentNotification.VERSION, "cam/2026/01/01/00/00/0" + seq + ".000-" + seq + ".ts",
        /* start= */ 1_700_000_000_000L, /* durationMs= */ 1000, /* bytes= */ 100, /* sha256= */ null, seq,
        "avc1.42c01e", /* width= */ 320, /* height= */ 180, /* deviceTime= */ 1_700_000_001_000L,
        /* clockJump= */ null, null);
  }

  private static List<Long> seqs(List<SegmentNotification> l) {
    return l.stream().map(SegmentNotification::seq).toList();
  }

  @Test
  void keepsEachNotificationUntilAcknowledged_atMostWindowInFlight() {
    NotificationOutbox box = new NotificationOutbox(/* window= */ 2, /* capacity= */ 100, ackedKeys::add);
    for (int i = 0; i < 4; i++) box.add(n(i));
    List<SegmentNotification> first = box.takeSendable();
    assertEquals(List.of(0L, 1L), seqs(first));
    assertEquals(List.of(), box.takeSendable(), "window full");
    box.sent(first.get(0).key(), 11);
    box.sent(first.get(1).key(), 12);
    box.acknowledged(12);
    assertEquals(List.of(first.get(1).key()), ackedKeys, "the journal learns which one");
    assertEquals(3, box.size());
    assertEquals(List.of(2L), seqs(box.takeSendable()));
    assertEquals(1, box.acked());
  }

  @Test
  void afterALostConnection_unacknowledgedOnesAreSentAgain_oldestFirst() {
    NotificationOutbox box = new NotificationOutbox(/* window= */ 8, /* capacity= */ 100, ackedKeys::add);
    for (int i = 0; i < 3; i++) box.add(n(i));
    List<SegmentNotification> sent = box.takeSendable();
    for (int i = 0; i < 3; i++) box.sent(sent.get(i).key(), i + 1);
    box.acknowledged(1);
    box.connectionLost();
    box.acknowledged(2); // a late PUBACK of the old connection means nothing now
    assertEquals(List.of(1L, 2L), seqs(box.takeSendable()));
    assertEquals(2, box.size());
  }

  @Test
  void noPubackInTime_orAFailedWrite_putsItBackForTheNextTry() {
    NotificationOutbox box = new NotificationOutbox(/* window= */ 8, /* capacity= */ 100, ackedKeys::add);
    box.add(n(0));
    box.add(n(1));
    List<SegmentNotification> sent = box.takeSendable();
    box.sent(sent.get(0).key(), 7);
    box.unacknowledged(7);
    box.notSent(sent.get(1).key());
    assertEquals(List.of(0L, 1L), seqs(box.takeSendable()));
  }

  @Test
  void aPubackHandledBeforeThePacketIdIsKnown_stillAcknowledges() {
    NotificationOutbox box = new NotificationOutbox(/* window= */ 8, /* capacity= */ 100, ackedKeys::add);
    box.add(n(0));
    box.add(n(1));
    List<SegmentNotification> sent = box.takeSendable();
    box.acknowledged(41); // PUBACK first ...
    box.sent(sent.get(0).key(), 41); // ... then the write completion with the packet id
    box.sent(sent.get(1).key(), 42);
    assertEquals(1, box.size());
    assertEquals(1, box.acked());
    box.acknowledged(7); // an acknowledgement of some other publish: nothing of ours is touched
    assertEquals(1, box.size());
  }

  @Test
  void beyondCapacity_theOldestAreDroppedAndCounted() {
    NotificationOutbox box = new NotificationOutbox(/* window= */ 8, /* capacity= */ 2, ackedKeys::add);
    box.add(n(0));
    box.add(n(1));
    assertEquals(List.of(n(0).key()), box.add(n(2)));
    assertEquals(1, box.dropped());
    assertEquals(List.of(1L, 2L), seqs(box.takeSendable()));
  }

  @Test
  void theSameSegmentAnnouncedTwice_isKeptOnce() {
    NotificationOutbox box = new NotificationOutbox(/* window= */ 8, /* capacity= */ 100, ackedKeys::add);
    box.add(n(0));
    box.add(n(0));
    assertEquals(1, box.size());
  }
}
