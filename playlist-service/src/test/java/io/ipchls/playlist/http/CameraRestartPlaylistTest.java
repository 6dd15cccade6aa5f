package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.contiguous;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A segment the camera marked as the first after a restart gets {@code #EXT-X-DISCONTINUITY} in live and replay
 * playlists however small the gap before it (issue 14 item 5), and counts in the discontinuity sequence once it
 * slides out of the live window.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class CameraRestartPlaylistTest {
  private static final DateTimeFormatter PDT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
  private static final TestStack env = new TestStack();
  private static final Duration SOON = Duration.ofSeconds(20);
  private static PlaylistUnderTest app;
  private static Vertx eventBus;

  @BeforeAll
  static void start(Vertx vertx) {
    app = PlaylistUnderTest.start(vertx, env);
    eventBus = vertx;
  }

  @Test
  void replay_restartAfterSubSecondGap_addsDiscontinuityBeforeTheRestartedSegment() {
    String cam = TestStack.camera("replay-restart");
    List<Seg> segs = twoRuns(cam, Instant.parse("2025-03-01T10:00:00Z"), /* gapMs= */ 400);
    TestStack.insert(app.pool(), segs);
    String text = app.get("/replay.m3u8?camera_id=" + cam + "&start=2025-03-01%2010:00:00"
        + "&end=2025-03-01%2010:01:00&links=full").bodyAsString(); // the seed's form names the keys
    assertDiscontinuityOnlyBefore(text, segs.get(3));
    assertTrue(text.contains("#EXT-X-ENDLIST"), text);
  }

  @Test
  void live_restartInTheIndexedWindow_addsDiscontinuity() {
    String cam = TestStack.camera("live-restart");
    List<Seg> segs = twoRuns(cam, Instant.now().minusSeconds(30), /* gapMs= */ 0);
    TestStack.insert(app.pool(), segs);
    assertDiscontinuityOnlyBefore(app.get("/playlist.m3u8?camera_id=" + cam).bodyAsString(), segs.get(3));
  }

  @Test
  void live_announcedRestart_addsDiscontinuity() {
    String cam = TestStack.camera("live-restart-event");
    List<Seg> segs = twoRuns(cam, Instant.now().minusSeconds(30), /* gapMs= */ 200);
    TestStack.insert(app.pool(), segs.subList(0, 3));
    assertFalse(app.get("/playlist.m3u8?camera_id=" + cam).bodyAsString().contains("#EXT-X-DISCONTINUITY\n"));

    // the window moves by the event, mark and live numbers included, as ingest publishes them
    TestStack.announce(eventBus, TestStack.insert(app.pool(), segs.subList(3, 5)));
    String text = Await.until("the restarted run is live", SOON,
        () -> app.get("/playlist.m3u8?camera_id=" + cam).bodyAsString(), t -> t.contains(segs.get(4).key()));
    assertDiscontinuityOnlyBefore(text, segs.get(3));
  }

  @Test
  void live_restartSlidOutOfTheWindow_countsInDiscontinuitySequence() {
    String cam = TestStack.camera("live-restart-seq");
    Instant start = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    List<Seg> segs = new ArrayList<>(contiguous(cam, start, 3000));
    List<Seg> rest = contiguous(cam, start.plusMillis(3000), 3000, 3000, 3000, 3000, 3000, 3000, 3000);
    segs.add(rest.get(0).asRestart()); // the camera restarted right at the end of the first segment
    segs.addAll(rest.subList(1, rest.size()));
    TestStack.insert(app.pool(), segs);
    String text = app.get("/playlist.m3u8?camera_id=" + cam).bodyAsString();
    assertTrue(text.contains("#EXT-X-MEDIA-SEQUENCE:2\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n"), text);
    assertFalse(text.contains("#EXT-X-DISCONTINUITY\n"), text);
  }

  /** Three contiguous 3 s segments, then the camera restarts {@code gapMs} after their end: two more. */
  private static List<Seg> twoRuns(String cam, Instant start, long gapMs) {
    Instant t0 = start.truncatedTo(ChronoUnit.MILLIS);
    List<Seg> segs = new ArrayList<>(contiguous(cam, t0, 3000, 3000, 3000));
    List<Seg> second = contiguous(cam, t0.plusMillis(9000 + gapMs), 3000, 3000);
    segs.add(second.get(0).asRestart());
    segs.add(second.get(1));
    return segs;
  }

  /** Exactly one discontinuity, right before {@code restarted}, with its program date-time. */
  private static void assertDiscontinuityOnlyBefore(String text, Seg restarted) {
    List<String> lines = text.lines().toList();
    int at = lines.indexOf("#EXT-X-DISCONTINUITY");
    assertTrue(at > 0, "no discontinuity:\n" + text);
    assertEquals(at, lines.lastIndexOf("#EXT-X-DISCONTINUITY"), "exactly one discontinuity:\n" + text);
    assertEquals("#EXT-X-PROGRAM-DATE-TIME:" + PDT.format(restarted.start()), lines.get(at + 1), text);
    assertTrue(lines.get(at + 3).contains(restarted.key()), "before the restarted segment:\n" + text);
  }
}
