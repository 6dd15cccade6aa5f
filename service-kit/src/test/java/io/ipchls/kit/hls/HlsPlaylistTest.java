package io.ipchls.kit.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HlsPlaylistTest {
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  @Test
  void vod_continuousSegments_exactText() {
    String text = HlsPlaylist.vod()
        .segment("a.ts", T0, 3000)
        .segment("b.ts", T0.plusMillis(3000), 2960)
        .segment("c.ts", T0.plusMillis(5960), 3040)
        .render();
    assertEquals("""
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:4
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:00.000Z
        #EXTINF:3.000,
        a.ts
        #EXTINF:2.960,
        b.ts
        #EXTINF:3.040,
        c.ts
        #EXT-X-ENDLIST
        """, text);
  }

  @Test
  void live_gapAndRestart_addDiscontinuityWithProgramDateTime() {
    String text = HlsPlaylist.live(/* mediaSequence= */ 42, /* discontinuitySequence= */ 7,
            /* targetDurationSeconds= */ 3)
        .segment("a.ts", T0, 3000)
        .segment("b.ts", T0.plusMillis(3000 + 900), 3000) // 0.9 s late: still continuous
        .segment("c.ts", T0.plusSeconds(60).plusMillis(7), 3000) // gap
        .segment("d.ts", T0.plusSeconds(61), 2500) // starts before c ends: camera clock stepped back
        .render();
    assertEquals("""
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:3
        #EXT-X-MEDIA-SEQUENCE:42
        #EXT-X-DISCONTINUITY-SEQUENCE:7
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:00.000Z
        #EXTINF:3.000,
        a.ts
        #EXTINF:3.000,
        b.ts
        #EXT-X-DISCONTINUITY
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:01:00.007Z
        #EXTINF:3.000,
        c.ts
        #EXT-X-DISCONTINUITY
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:01:01.000Z
        #EXTINF:2.500,
        d.ts
        """, text);
  }

  @Test
  void vod_restartWithoutGap_addsDiscontinuityBeforeTheRestartedSegment() {
    String text = HlsPlaylist.vod()
        .segment("a.ts", T0, 3000)
        .segment("b.ts", T0.plusMillis(3000 + 300), 3000, /* restart= */ true) // camera back after 0.3 s
        .segment("c.ts", T0.plusMillis(6300), 3000, /* restart= */ false)
        .render();
    assertEquals("""
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:3
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:00.000Z
        #EXTINF:3.000,
        a.ts
        #EXT-X-DISCONTINUITY
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:03.300Z
        #EXTINF:3.000,
        b.ts
        #EXTINF:3.000,
        c.ts
        #EXT-X-ENDLIST
        """, text);
  }

  @Test
  void live_restartExactlyAtThePreviousEnd_stillAddsDiscontinuity() {
    String text = HlsPlaylist.live(/* mediaSequence= */ 5, /* discontinuitySequence= */ 1,
        /* targetDurationSeconds= */ 3)
        .segment("a.ts", T0, 3000)
        .segment("b.ts", T0.plusMillis(3000), 3000, /* restart= */ true)
        .render();
    assertEquals("""
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:3
        #EXT-X-MEDIA-SEQUENCE:5
        #EXT-X-DISCONTINUITY-SEQUENCE:1
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:00.000Z
        #EXTINF:3.000,
        a.ts
        #EXT-X-DISCONTINUITY
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:03.000Z
        #EXTINF:3.000,
        b.ts
        """, text);
  }

  @Test
  void restartMarkOnTheFirstSegment_addsNoDiscontinuityTag() {
    String text = HlsPlaylist.vod().segment("a.ts", T0, 3000, /* restart= */ true).render();
    assertEquals(0, text.lines().filter("#EXT-X-DISCONTINUITY"::equals).count(), text);
  }

  @Test
  void live_empty_isValidWithoutSegments() {
    assertEquals("""
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:4
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-DISCONTINUITY-SEQUENCE:0
        """, HlsPlaylist.live(/* mediaSequence= */ 0, /* discontinuitySequence= */ 0,
            /* targetDurationSeconds= */ 4).render());
  }

  @Test
  void targetDuration_isCeilOfLongestSegment_neverBelowRoundedExtinf() {
    var p = HlsPlaylist.vod().segment("a.ts", T0, 2400).segment("b.ts", T0.plusMillis(2400), 3500);
    assertEquals(4, p.targetDurationSeconds()); // 3.5 rounds to 4: target must not be 3
    assertEquals(1, HlsPlaylist.vod().segment("a.ts", T0, 1).targetDurationSeconds());
    assertEquals(10, HlsPlaylist.vod().segment("a.ts", T0, 10_000).targetDurationSeconds());
    assertEquals(11, HlsPlaylist.vod().segment("a.ts", T0, 10_001).targetDurationSeconds());
  }

  @Test
  void live_targetIsFixed_longerSegmentListedClippedToWhatRoundsToIt_continuityFromItsRealLength() {
    String text = HlsPlaylist.live(/* mediaSequence= */ 5, /* discontinuitySequence= */ 0,
            /* targetDurationSeconds= */ 4)
        .segment("a.ts", T0, 9000) // longer than the target: EXTINF 4.499, the next one still continues it
        .segment("b.ts", T0.plusMillis(9000), 4400) // rounds to 4 (§4.3.3.1): listed as it is
        .render();
    assertEquals("""
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:4
        #EXT-X-MEDIA-SEQUENCE:5
        #EXT-X-DISCONTINUITY-SEQUENCE:0
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:00.000Z
        #EXTINF:4.499,
        a.ts
        #EXTINF:4.400,
        b.ts
        """, text);
    assertEquals(4, HlsPlaylist.live(/* mediaSequence= */ 0, /* discontinuitySequence= */ 0,
        /* targetDurationSeconds= */ 4).segment("a.ts", T0, 1000).targetDurationSeconds());
  }

  @Test
  void seconds_formatsThreeDecimals() {
    assertEquals("0.001", HlsPlaylist.seconds(1));
    assertEquals("3.000", HlsPlaylist.seconds(3000));
    assertEquals("60.000", HlsPlaylist.seconds(60_000));
    assertEquals("12.345", HlsPlaylist.seconds(12_345));
  }

  @Test
  void segment_uriWithNewline_isRefused() {
    var p = HlsPlaylist.vod();
    assertThrows(IllegalArgumentException.class, () -> p.segment("a.ts\n#EXT-X-ENDLIST", T0, 3000));
  }

  @Test
  void segment_nonPositiveDuration_isRefused() {
    var p = HlsPlaylist.vod();
    assertThrows(IllegalArgumentException.class, () -> p.segment("a.ts", T0, 0));
  }

  @Test
  void vod_fmp4_version6_mapBeforeTheFirstSegment_newMapAfterTheDiscontinuityWhereTheInitChanges() {
    String text = HlsPlaylist.vod()
        .segment("a.m4s", T0, 3000, false, "cam/init/aaa.mp4", () -> "init-a.mp4")
        .segment("b.m4s", T0.plusMillis(3000), 3000, false, "cam/init/aaa.mp4", () -> "unused")
        // contiguous and not marked, but another codec configuration: the decoder must be reset
        .segment("c.m4s", T0.plusMillis(6000), 3000, false, "cam/init/bbb.mp4", () -> "init-b.mp4")
        // a restart with the same init: a discontinuity, the map still applies (RFC 8216 §4.3.2.5)
        .segment("d.m4s", T0.plusMillis(9000), 3000, true, "cam/init/bbb.mp4", () -> "unused")
        .render();
    assertEquals("""
        #EXTM3U
        #EXT-X-VERSION:6
        #EXT-X-TARGETDURATION:3
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXT-X-MAP:URI="init-a.mp4"
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:00.000Z
        #EXTINF:3.000,
        a.m4s
        #EXTINF:3.000,
        b.m4s
        #EXT-X-DISCONTINUITY
        #EXT-X-MAP:URI="init-b.mp4"
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:06.000Z
        #EXTINF:3.000,
        c.m4s
        #EXT-X-DISCONTINUITY
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:09.000Z
        #EXTINF:3.000,
        d.m4s
        #EXT-X-ENDLIST
        """, text);
  }

  @Test
  void live_windowStartingInsideAnInitsRun_stillBeginsWithItsMap() {
    String text = HlsPlaylist.live(/* mediaSequence= */ 9, /* discontinuitySequence= */ 2, 3)
        .segment("j.m4s", T0, 3000, false, "cam/init/aaa.mp4", () -> "init-a.mp4")
        .render();
    assertEquals("""
        #EXTM3U
        #EXT-X-VERSION:6
        #EXT-X-TARGETDURATION:3
        #EXT-X-MEDIA-SEQUENCE:9
        #EXT-X-DISCONTINUITY-SEQUENCE:2
        #EXT-X-MAP:URI="init-a.mp4"
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:00.000Z
        #EXTINF:3.000,
        j.m4s
        """, text);
  }

  @Test
  void segment_fmp4WithoutMapUri_isRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> HlsPlaylist.vod().segment("a.m4s", T0, 3000, false, "cam/init/a.mp4", null));
  }

  @Test
  void render_mapUriWithAQuote_isRefused() {
    HlsPlaylist p = HlsPlaylist.vod().segment("a.m4s", T0, 3000, false, "cam/init/a.mp4", () -> "x\"y.mp4");
    assertThrows(IllegalArgumentException.class, p::render);
  }

  @Test
  void render_mapUriWithANewline_isRefused() {
    HlsPlaylist p = HlsPlaylist.vod().segment("a.m4s", T0, 3000, false, "cam/init/a.mp4", () -> "x\ny.mp4");
    assertThrows(IllegalArgumentException.class, p::render);
  }

  @Test
  void vod_dateRanges_eachBeforeTheSegmentPlayingItsStart_exactText() {
    String text = HlsPlaylist.vod()
        .segment("a.ts", T0, 3000)
        .segment("b.ts", T0.plusMillis(3000), 3000)
        .segment("c.ts", T0.plusMillis(60_000), 3000)
        .dateRange("late", "io.ipchls.event.sound", T0.plusMillis(70_000), null, java.util.Map.of())
        .dateRange("m-1", "io.ipchls.event.motion", T0.plusMillis(3500), T0.plusMillis(9000),
            java.util.Map.of("X-IPCHLS-LABEL", "Zone 1"))
        .dateRange("early", "io.ipchls.event.person", T0.minusMillis(5000), null, java.util.Map.of())
        .render();
    assertEquals("""
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:3
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:00.000Z
        #EXT-X-DATERANGE:ID="early",CLASS="io.ipchls.event.person",START-DATE="2026-11-21T09:59:55.000Z"
        #EXTINF:3.000,
        a.ts
        #EXT-X-DATERANGE:ID="m-1",CLASS="io.ipchls.event.motion",START-DATE="2026-11-21T10:00:03.500Z",\
        END-DATE="2026-11-21T10:00:09.000Z",X-IPCHLS-LABEL="Zone 1"
        #EXTINF:3.000,
        b.ts
        #EXT-X-DISCONTINUITY
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:01:00.000Z
        #EXT-X-DATERANGE:ID="late",CLASS="io.ipchls.event.sound",START-DATE="2026-11-21T10:01:10.000Z"
        #EXTINF:3.000,
        c.ts
        #EXT-X-ENDLIST
        """, text);
  }

  @Test
  void dateRange_idWithDoubleQuote_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> HlsPlaylist.vod()
        .dateRange("a\"b", "c", T0, null, java.util.Map.of()));
  }

  @Test
  void dateRange_clientAttributeWithoutXPrefix_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> HlsPlaylist.vod()
        .dateRange("a", "c", T0, null, java.util.Map.of("LABEL", "x")));
  }

  @Test
  void dateRange_valueWithNewline_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> HlsPlaylist.vod()
        .dateRange("a", "c", T0, null, java.util.Map.of("X-LABEL", "x\ny")));
  }

  @Test
  void dateRange_endingBeforeItsStart_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> HlsPlaylist.vod()
        .dateRange("a", "c", T0, T0.minusMillis(1), java.util.Map.of()));
  }

  @Test
  void iFrames_fmp4_byteRangesAfterTheirMap_version5_exactText() {
    String text = HlsPlaylist.iFrames()
        .iFrame("a.m4s", T0, 2000, false, "init1", () -> "init1.mp4", 120, 9000)
        .iFrame("b.m4s", T0.plusMillis(2000), 2000, false, "init1", () -> "init1.mp4", 120, 8800)
        .render();
    assertEquals("""
        #EXTM3U
        #EXT-X-VERSION:5
        #EXT-X-TARGETDURATION:2
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXT-X-I-FRAMES-ONLY
        #EXT-X-MAP:URI="init1.mp4"
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:00.000Z
        #EXTINF:2.000,
        #EXT-X-BYTERANGE:9000@120
        a.m4s
        #EXTINF:2.000,
        #EXT-X-BYTERANGE:8800@120
        b.m4s
        #EXT-X-ENDLIST
        """, text);
  }

  @Test
  void iFrames_ts_version4() {
    String text = HlsPlaylist.iFrames().iFrame("a.ts", T0, 3000, false, null, null, 0, 18_800).render();
    assertEquals(true, text.contains("#EXT-X-VERSION:4\n"), text);
    assertEquals(true, text.contains("#EXT-X-BYTERANGE:18800@0\na.ts\n"), text);
  }

  @Test
  void iFrames_badRange_orASegmentWithout_isRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> HlsPlaylist.iFrames().iFrame("a.ts", T0, 3000, false, null, null, 0, 0));
    assertThrows(IllegalStateException.class, () -> HlsPlaylist.iFrames().segment("a.ts", T0, 3000));
    assertThrows(IllegalStateException.class,
        () -> HlsPlaylist.vod().iFrame("a.ts", T0, 3000, false, null, null, 0, 10));
  }
}
