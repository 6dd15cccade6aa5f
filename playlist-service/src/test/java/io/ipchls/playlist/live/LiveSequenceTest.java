package io.ipchls.playlist.live;

import static io.ipchls.playlist.TestStack.await;
import static io.ipchls.playlist.TestStack.contiguous;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.ipchls.playlist.live.LivePlaylistChecker.Reload;
import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 item 6 on one playlist instance at a time (a plain Vert.x keeps its windows in memory, so stopping it
 * loses them all, as a restart of every instance does): live numbers never go backwards and a segment keeps its
 * number, whatever restarts, retention, backfills and late events do; the target duration never changes. Every
 * reload goes through {@link LivePlaylistChecker}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class LiveSequenceTest {
  private static final TestStack env = new TestStack();
  private static final Duration SOON = Duration.ofSeconds(20);
  private static Pool pool;
  private final List<LiveInstance> started = new ArrayList<>();

  @BeforeAll
  static void migrate(Vertx vertx) {
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
  }

  @AfterEach
  void stopInstances() {
    started.forEach(LiveInstance::stop);
  }

  private LiveInstance instance() {
    LiveInstance i = LiveInstance.start(Vertx.vertx(), env.config(24));
    started.add(i);
    return i;
  }

  private static LivePlaylistChecker checker() {
    return new LivePlaylistChecker(env.stack.s3().bucket());
  }

  /** Eight contiguous 3 s segments starting 40 s ago, then {@code more} after them. */
  private static List<Seg> recording(String cam, int more) {
    int[] durations = new int[8 + more];
    java.util.Arrays.fill(durations, 3000);
    return contiguous(cam, Instant.now().minusSeconds(40).truncatedTo(ChronoUnit.MILLIS), durations);
  }

  /** Announces on {@code on}'s event bus what ingest would after committing, and waits until live lists it. */
  private static Reload announceAndReload(LiveInstance on, LivePlaylistChecker player, String cam,
      List<SegmentsIndexed.Entry> committed) {
    TestStack.announce(on.vertx, committed);
    String newest = committed.get(committed.size() - 1).key();
    return player.reload(Await.until("the announced segment is live", SOON, () -> on.live(cam),
        t -> t.contains(newest)));
  }

  @Test
  void restartOfEveryInstance_numbersContinue() {
    String cam = TestStack.camera("seq-restart");
    List<Seg> segs = recording(cam, 2);
    TestStack.insert(pool, segs.subList(0, 8));
    LivePlaylistChecker player = checker();
    LiveInstance first = instance();
    assertEquals(2, player.reload(first.live(cam)).mediaSequence());
    announceAndReload(first, player, cam, TestStack.insert(pool, segs.subList(8, 9)));
    first.stop();
    started.remove(first);

    LiveInstance second = instance(); // nothing survives in memory: the window comes from the index again
    Reload again = player.reload(second.live(cam));
    assertEquals(3, again.mediaSequence());
    Reload moved = announceAndReload(second, player, cam, TestStack.insert(pool, segs.subList(9, 10)));
    assertEquals(4, moved.mediaSequence());
    assertEquals(segs.get(9).key(), moved.keys().get(moved.keys().size() - 1));
  }

  @Test
  void retentionDeletesOldRows_reloadContinuesTheNumbers() {
    String cam = TestStack.camera("seq-retention");
    List<Seg> segs = recording(cam, 1);
    TestStack.insert(pool, segs.subList(0, 8));
    LivePlaylistChecker player = checker();
    LiveInstance first = instance();
    assertEquals(2, player.reload(first.live(cam)).mediaSequence());
    first.stop();
    started.remove(first);

    deleteAsRetentionDoes(segs.subList(0, 5)); // counting the remaining rows would number the first left 0
    LiveInstance second = instance();
    Reload after = player.reload(second.live(cam));
    assertEquals(5, after.mediaSequence(), "the three rows left keep their numbers 5, 6, 7: " + after.text());
    assertEquals(segs.subList(5, 8).stream().map(Seg::key).toList(), after.keys());
    announceAndReload(second, player, cam, TestStack.insert(pool, segs.subList(8, 9)));
    assertEquals(8L, player.sequenceOf(segs.get(8).key()));
  }

  @Test
  void backfillOfAnOldSegment_isReplayOnly_andTakesNoNumber() {
    String cam = TestStack.camera("seq-backfill");
    List<Seg> segs = recording(cam, 1);
    TestStack.insert(pool, segs.subList(0, 8));
    List<Seg> old = contiguous(cam, segs.get(0).start().minusSeconds(3600), 3000);
    LivePlaylistChecker player = checker();
    LiveInstance live = instance();
    player.reload(live.live(cam));

    List<SegmentsIndexed.Entry> backfill = TestStack.insert(pool, old);
    assertEquals(1, backfill.size());
    assertFalse(backfill.get(0).isNumbered(), "an hour older than the live edge: no live number");
    TestStack.announce(live.vertx, backfill);
    Reload moved = announceAndReload(live, player, cam, TestStack.insert(pool, segs.subList(8, 9)));
    assertEquals(3, moved.mediaSequence(), "the backfill took no number: no hole, no shift");
    assertFalse(moved.keys().contains(old.get(0).key()), moved.text());
    assertNull(player.sequenceOf(old.get(0).key()));
    long oldStart = old.get(0).start().toEpochMilli();
    assertTrue(live.replay(cam, oldStart, oldStart + 3000).contains(old.get(0).key()), "the backfill is replayed");
  }

  @Test
  void outOfOrderEventsFromTwoIngestInstances_lateSegmentJoinsAtTheEnd() {
    String cam = TestStack.camera("seq-order");
    List<Seg> segs = recording(cam, 3);
    TestStack.insert(pool, segs.subList(0, 8));
    Vertx otherInstance = Vertx.vertx();
    Pool otherIngest = Database.pool(otherInstance, env.db());
    LivePlaylistChecker player = checker();
    LiveInstance live = instance();
    player.reload(live.live(cam));

    // instance B commits the camera's 10th segment before instance A commits its 9th; their events cross
    List<SegmentsIndexed.Entry> tenth = TestStack.insert(otherIngest, segs.subList(9, 10));
    List<SegmentsIndexed.Entry> ninth = TestStack.insert(pool, segs.subList(8, 9));
    assertEquals(List.of(8L, 9L), List.of(tenth.get(0).mediaSequence(), ninth.get(0).mediaSequence()));
    TestStack.announce(live.vertx, ninth); // number 9 arrives first: it waits for number 8
    Reload waiting = player.reload(live.live(cam));
    assertFalse(waiting.keys().contains(segs.get(8).key()), waiting.text());
    Reload both = announceAndReload(live, player, cam, tenth);
    assertEquals(List.of(segs.get(9).key(), segs.get(8).key()), both.keys().subList(4, 6), both.text());
    assertEquals(List.of(1, 1), both.discontinuityTagsBefore().subList(4, 6), "back in time, then on: " + both.text());

    Reload next = announceAndReload(live, player, cam, TestStack.insert(pool, segs.subList(10, 11)));
    assertEquals(segs.get(10).key(), next.keys().get(next.keys().size() - 1));
    assertEquals(1, (int) next.discontinuityTagsBefore().get(next.keys().size() - 1), next.text());
    await(otherInstance.close());
  }

  @Test
  void targetDuration_cameraThatSaysNothing_getsTheDefault_whileALongSegmentLeavesTheWindow() {
    String cam = TestStack.camera("seq-target");
    Instant t0 = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    List<Seg> segs = contiguous(cam, t0, 3000, 9000, 3000, 3000, 3000, 3000, 3000, 3000, 3000);
    TestStack.insert(pool, segs.subList(0, 2));
    LivePlaylistChecker player = checker();
    LiveInstance live = instance();
    Reload withLong = player.reload(live.live(cam));
    assertEquals(4, withLong.targetDuration(), "the setting liveTargetDurationSeconds");
    assertTrue(withLong.text().contains("#EXTINF:4.499,\n"), "the 9 s segment is clipped to what rounds to 4");
    for (int i = 2; i < segs.size(); i++) {
      Reload r = announceAndReload(live, player, cam, TestStack.insert(pool, segs.subList(i, i + 1)));
      assertEquals(4, r.targetDuration(), r.text());
    }
    assertFalse(player.reload(live.live(cam)).keys().contains(segs.get(1).key()), "the long segment left");
  }

  @Test
  void targetDuration_threeSecondCamera_saysThreeOnEveryReload_whileLongerSegmentsEnterAndLeave() {
    String cam = TestStack.camera("seq-target3");
    Instant t0 = Instant.now().minusSeconds(70).truncatedTo(ChronoUnit.MILLIS);
    // cut at key frames: 3.4 s rounds to 3 (listed as it is), 4.5 s and 9 s do not (clipped to 3.499)
    List<Seg> segs = contiguous(cam, t0, 3000, 3000, 3400, 3000, 4500, 9000, 3000, 3000, 3000, 3000, 3000, 3000, 3000,
        3000);
    TestStack.insert(pool, segs.subList(0, 2), /* targetSeconds= */ 3);
    LivePlaylistChecker player = checker();
    LiveInstance live = instance();
    assertEquals(3, player.reload(live.live(cam)).targetDuration(), "from the camera's announced length");
    String listed = "";
    for (int i = 2; i < segs.size(); i++) {
      Reload r = announceAndReload(live, player, cam, TestStack.insert(pool, segs.subList(i, i + 1), 3));
      assertEquals(3, r.targetDuration(), r.text());
      listed += r.text();
    }
    assertTrue(listed.contains("#EXTINF:3.400,\n"), listed);
    assertTrue(listed.contains("#EXTINF:3.499,\n"), listed);
    Reload end = player.reload(live.live(cam));
    assertFalse(end.keys().contains(segs.get(5).key()), "the 9 s segment left: " + end.text());
    assertEquals(3, end.targetDuration());
  }

  @Test
  void targetDuration_oneSecondCamera_saysOne() {
    String cam = TestStack.camera("seq-target1");
    Instant t0 = Instant.now().minusSeconds(20).truncatedTo(ChronoUnit.MILLIS);
    List<Seg> segs = contiguous(cam, t0, 1000, 1000, 1000, 1200, 1000);
    TestStack.insert(pool, segs.subList(0, 3), /* targetSeconds= */ 1);
    LivePlaylistChecker player = checker();
    LiveInstance live = instance();
    assertEquals(1, player.reload(live.live(cam)).targetDuration());
    Reload r = announceAndReload(live, player, cam, TestStack.insert(pool, segs.subList(3, 5), 1));
    assertTrue(r.text().contains("#EXT-X-TARGETDURATION:1\n"), r.text());
    assertTrue(r.text().contains("#EXTINF:1.200,\n"), "1.2 s rounds to 1: listed as it is\n" + r.text());
  }

  @Test
  void targetDuration_cameraReconfigured_growsWhileTheWindowLives_neverShrinks_newWindowTakesTheCurrent() {
    String cam = TestStack.camera("seq-target-grow");
    Instant t0 = Instant.now().minusSeconds(80).truncatedTo(ChronoUnit.MILLIS);
    List<Seg> segs = contiguous(cam, t0, 3000, 3000, 6000, 6000, 3000, 3000, 3000, 3000, 3000, 3000, 3000);
    TestStack.insert(pool, segs.subList(0, 2), /* targetSeconds= */ 3);
    LivePlaylistChecker player = checker().targetMayGrow();
    LiveInstance first = instance();
    assertEquals(3, player.reload(first.live(cam)).targetDuration());
    // configured to 6 s (ingest's configure command): the 6 s segments would not fit a target of 3
    Reload grown = announceAndReload(first, player, cam, TestStack.insert(pool, segs.subList(2, 3), 6));
    assertEquals(6, grown.targetDuration(), grown.text());
    assertTrue(grown.text().contains("#EXTINF:6.000,\n"), grown.text());
    announceAndReload(first, player, cam, TestStack.insert(pool, segs.subList(3, 4), 6));
    // back to 3 s: the window keeps 6 while it lives (a shrinking target would break §6.2.1 for players on it)
    for (int i = 4; i < segs.size(); i++) {
      Reload r = announceAndReload(first, player, cam, TestStack.insert(pool, segs.subList(i, i + 1), 3));
      assertEquals(6, r.targetDuration(), r.text());
    }
    first.stop();
    started.remove(first);

    LiveInstance second = instance(); // every instance restarted: the window is loaded again
    Reload fresh = checker().reload(second.live(cam));
    assertEquals(3, fresh.targetDuration(), "a new window takes the camera's current length: " + fresh.text());
  }

  /** What the retention sweep does once the objects are gone: {@code ingest.delete_segments}. */
  private static void deleteAsRetentionDoes(List<Seg> segs) {
    String[] cams = segs.stream().map(Seg::cameraId).toArray(String[]::new);
    var starts = segs.stream().map(s -> s.start().atOffset(ZoneOffset.UTC)).toArray(java.time.OffsetDateTime[]::new);
    String[] keys = segs.stream().map(Seg::key).toArray(String[]::new);
    await(pool.preparedQuery("SELECT ingest.delete_segments($1::text[], $2::timestamptz[], $3::text[])")
        .execute(Tuple.tuple().addArrayOfString(cams).addArrayOfOffsetDateTime(starts).addArrayOfString(keys)));
  }
}
