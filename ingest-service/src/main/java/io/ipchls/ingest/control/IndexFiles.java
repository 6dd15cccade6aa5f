package io.ipchls.ingest.control;

import io.ipchls.kit.hls.HlsPlaylist;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The index file of one task camera's period: a VOD M3U8 ({@code #EXT-X-ENDLIST}, an EXTINF per segment,
 * {@code #EXT-X-DISCONTINUITY} at gaps and camera restarts, written by the same {@link HlsPlaylist} as playlist-service) stored at
 * {@code <keyPrefix>/index/<yyyyMMdd'T'HHmmss.SSS'Z'>.m3u8} (the window's start, UTC), with segment URIs relative to
 * it, so it plays straight from the bucket (or a copy of it) with nothing else.
 */
final class IndexFiles {
  private static final DateTimeFormatter NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** One indexed segment; {@code restart}: the camera marked it as not continuing the previous one (V30). */
  record Entry(String key, Instant start, long durationMs, long bytes, boolean restart) {}

  private IndexFiles() {}

  static String key(String keyPrefix, Instant windowStart) {
    return keyPrefix + "/index/" + NAME.format(windowStart) + ".m3u8";
  }

  static String render(String indexKey, List<Entry> segments) {
    HlsPlaylist p = HlsPlaylist.vod();
    for (Entry e : segments) p.segment(relative(indexKey, e.key()), e.start(), e.durationMs(), e.restart());
    return p.render();
  }

  /**
   * {@code target} as a relative reference (RFC 3986 §5.2) from the object {@code from}: up past the folders they
   * do not share, then down. Keys are in normal form (no '.', '..' or empty segments), so this is exact.
   */
  static String relative(String from, String target) {
    String[] a = from.split("/");
    String[] b = target.split("/");
    int common = 0;
    while (common < a.length - 1 && common < b.length - 1 && a[common].equals(b[common])) common++;
    StringBuilder out = new StringBuilder();
    for (int i = common; i < a.length - 1; i++) out.append("../");
    for (int i = common; i < b.length; i++) {
      out.append(b[i]);
      if (i < b.length - 1) out.append('/');
    }
    String rel = out.toString();
    int colon = rel.indexOf(':');
    return colon >= 0 && colon < (rel.indexOf('/') < 0 ? rel.length() : rel.indexOf('/')) ? "./" + rel : rel;
  }
}
