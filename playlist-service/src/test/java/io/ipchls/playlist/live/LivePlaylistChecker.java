package io.ipchls.playlist.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a player holds across reloads of one live playlist, checked against RFC 8216 §6.2.1/§6.2.2 on every reload:
 * the media and discontinuity sequence numbers never decrease, a segment (its object key; presigned query strings
 * differ per request) keeps its media sequence number and its discontinuity sequence number, a number keeps its
 * segment, the target duration never changes and every EXTINF rounds to at most it.
 */
final class LivePlaylistChecker {
  /** One reload as a player reads it. */
  record Reload(long mediaSequence, long discontinuitySequence, int targetDuration, List<String> keys,
      List<Integer> discontinuityTagsBefore, String text) {}

  private final String bucketPrefix;
  private final Map<String, Long> sequenceOfKey = new HashMap<>();
  private final Map<String, Long> discontinuityOfKey = new HashMap<>();
  private final Map<Long, String> keyOfSequence = new HashMap<>();
  private Reload last;
  private boolean targetMayGrow;

  LivePlaylistChecker(String bucket) {
    this.bucketPrefix = "/" + bucket + "/";
  }

  /**
   * From now on the target duration may grow between reloads (never shrink): what a live window does while its
   * camera is reconfigured to longer segments.
   */
  LivePlaylistChecker targetMayGrow() {
    targetMayGrow = true;
    return this;
  }

  /** Parses a reload, checks it against every reload before it and remembers it. */
  Reload reload(String text) {
    Reload r = parse(text);
    if (last != null) {
      assertTrue(r.mediaSequence() >= last.mediaSequence(), "media sequence went back\n" + last.text() + "\n" + text);
      assertTrue(r.discontinuitySequence() >= last.discontinuitySequence(),
          "discontinuity sequence went back\n" + last.text() + "\n" + text);
      if (targetMayGrow) {
        assertTrue(r.targetDuration() >= last.targetDuration(), "target duration shrank\n" + last.text() + "\n" + text);
      } else {
        assertEquals(last.targetDuration(), r.targetDuration(), "target duration changed\n" + last.text() + "\n" + text);
      }
    }
    long disc = r.discontinuitySequence();
    for (int i = 0; i < r.keys().size(); i++) {
      String key = r.keys().get(i);
      long seq = r.mediaSequence() + i;
      disc += r.discontinuityTagsBefore().get(i);
      Long knownSeq = sequenceOfKey.putIfAbsent(key, seq);
      assertEquals(knownSeq == null ? seq : knownSeq, seq, key + " moved to another media sequence number\n" + text);
      Long knownDisc = discontinuityOfKey.putIfAbsent(key, disc);
      assertEquals(knownDisc == null ? disc : knownDisc, disc, key + " moved to another discontinuity\n" + text);
      String knownKey = keyOfSequence.putIfAbsent(seq, key);
      assertEquals(knownKey == null ? key : knownKey, key, "number " + seq + " changed its segment\n" + text);
    }
    last = r;
    return r;
  }

  /** The media sequence number a player gave this key, or null if it never saw it. */
  Long sequenceOf(String key) {
    return sequenceOfKey.get(key);
  }

  private Reload parse(String text) {
    long media = -1;
    long disc = 0;
    int target = -1;
    int tags = 0;
    List<String> keys = new ArrayList<>();
    List<Integer> tagsBefore = new ArrayList<>();
    for (String line : text.lines().toList()) {
      if (line.startsWith("#EXT-X-TARGETDURATION:")) target = Integer.parseInt(line.substring(22));
      else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) media = Long.parseLong(line.substring(22));
      else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) disc = Long.parseLong(line.substring(30));
      else if (line.equals("#EXT-X-DISCONTINUITY")) tags++;
      else if (line.startsWith("#EXTINF:")) checkExtinf(line, target, text);
      else if (!line.isEmpty() && !line.startsWith("#")) {
        keys.add(objectKey(line));
        tagsBefore.add(tags);
        tags = 0;
      }
    }
    assertTrue(media >= 0 && target > 0, "no media sequence or target duration\n" + text);
    assertTrue(!text.contains("#EXT-X-ENDLIST"), "a live playlist ended\n" + text);
    return new Reload(media, disc, target, List.copyOf(keys), List.copyOf(tagsBefore), text);
  }

  /** RFC 8216 §4.3.3.1: EXTINF rounded to the nearest integer is at most the target duration. */
  private static void checkExtinf(String line, int target, String text) {
    double seconds = Double.parseDouble(line.substring(8, line.indexOf(',')));
    assertTrue(Math.round(seconds) <= target, line + " exceeds the target duration " + target + "\n" + text);
  }

  private String objectKey(String uri) {
    String path = URI.create(uri).getPath();
    assertTrue(path.startsWith(bucketPrefix), path);
    return path.substring(bucketPrefix.length());
  }
}
