package io.ipchls.playlist.http;

import io.ipchls.kit.hls.MultivariantPlaylist;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.playlist.db.SegmentRepository.MediaGroup;
import io.vertx.core.Future;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A camera's one variant stream as a multivariant playlist describes it, from the index: CODECS is every codec of the
 * segments considered (video first), RESOLUTION the largest picture, FRAME-RATE the highest rate, BANDWIDTH the peak
 * segment bit rate and AVERAGE-BANDWIDTH bytes over time (RFC 8216 §4.3.4.2 defines both on segments this way). A live
 * view considers the camera's newest segments, a replay all of its range.
 */
final class Variants {
  /** Far enough ahead for any segment ingest accepted (its future skew is minutes). */
  private static final Duration AHEAD = Duration.ofDays(1);
  /** RFC 6381 sample entries of video tracks: listed before audio in CODECS, as cameras announce them. */
  private static final Set<String> VIDEO = Set.of("avc1", "avc3", "hvc1", "hev1", "av01", "vp09", "mp4v");

  private final SegmentRepository segments;

  Variants(SegmentRepository segments) {
    this.segments = segments;
  }

  /** The live variant; null when the camera has no segment. */
  Future<String> live(String cameraId, Instant now, int newest, String token) {
    String uri = "playlist.m3u8?camera_id=" + enc(cameraId) + tokenParam(token);
    return segments.media(cameraId, Instant.EPOCH, now.plus(AHEAD), newest)
        .map(groups -> render(uri, /* iFramesUri= */ null, groups));
  }

  /** The replay variant; null when the range holds no segment. */
  Future<String> replay(ReplayRequest req, String token) {
    String query = "?camera_id=" + enc(req.cameraId()) + "&start=" + enc(req.start().toString()) + "&end="
        + enc(req.end().toString()) + (req.links() == ReplayRequest.Links.FULL ? "&links=full" : "")
        + tokenParam(token);
    return segments.media(req.cameraId(), req.start(), req.end(), Integer.MAX_VALUE)
        .map(groups -> render("replay.m3u8" + query, "iframes.m3u8" + query, groups));
  }

  static String render(String uri, List<MediaGroup> groups) {
    return render(uri, null, groups);
  }

  /**
   * @param iFramesUri the I-frame playlist of the same range, listed with EXT-X-I-FRAME-STREAM-INF (RFC 8216 §4.3.4.3)
   *     when some of its segments announced their key frame; null for none (the live view has no I-frame playlist)
   */
  static String render(String uri, String iFramesUri, List<MediaGroup> groups) {
    if (groups.isEmpty()) return null;
    long peak = 0;
    long bytes = 0;
    long ms = 0;
    MediaGroup largest = null;
    double frameRate = 0;
    for (MediaGroup g : groups) {
      peak = Math.max(peak, g.peakBps());
      bytes += g.bytes();
      ms += g.durationMs();
      if (g.width() != null && g.height() != null
          && (largest == null || (long) g.width() * g.height() > (long) largest.width() * largest.height())) {
        largest = g;
      }
      if (g.frameRate() != null) frameRate = Math.max(frameRate, g.frameRate());
    }
    long average = ms == 0 ? 0 : bytes * 8000 / ms;
    int width = largest == null ? 0 : largest.width();
    int height = largest == null ? 0 : largest.height();
    MultivariantPlaylist playlist = new MultivariantPlaylist().variant(new MultivariantPlaylist.Variant(uri,
        Math.max(1, peak), average, codecs(groups), width, height, frameRate));
    long keyFrames = groups.stream().mapToLong(MediaGroup::keyFrames).sum();
    if (iFramesUri != null && keyFrames > 0) {
      long iPeak = groups.stream().mapToLong(MediaGroup::keyFramePeakBps).max().orElse(0);
      long iBytes = groups.stream().mapToLong(MediaGroup::keyFrameBytes).sum();
      long iMs = groups.stream().mapToLong(MediaGroup::keyFrameDurationMs).sum();
      playlist.iFrameStream(new MultivariantPlaylist.IFrameStream(iFramesUri, Math.max(1, iPeak),
          iMs == 0 ? 0 : iBytes * 8000 / iMs, videoCodecs(groups), width, height));
    }
    return playlist.render();
  }

  /** The video codecs alone: an I-frame stream has no audio (§4.3.4.3: CODECS of the I-frame playlist's media). */
  static String videoCodecs(List<MediaGroup> groups) {
    String all = codecs(groups);
    if (all == null) return null;
    List<String> video = new ArrayList<>();
    for (String c : all.split(",")) {
      String fourcc = c.contains(".") ? c.substring(0, c.indexOf('.')) : c;
      if (VIDEO.contains(fourcc.toLowerCase(Locale.ROOT))) video.add(c);
    }
    return video.isEmpty() ? null : String.join(",", video);
  }

  /** The union of the groups' codecs, video first; null when no segment said. */
  static String codecs(List<MediaGroup> groups) {
    Set<String> video = new LinkedHashSet<>();
    Set<String> other = new LinkedHashSet<>();
    for (MediaGroup g : groups) {
      if (g.codec() == null) continue;
      for (String c : g.codec().split(",")) {
        String fourcc = c.contains(".") ? c.substring(0, c.indexOf('.')) : c;
        (VIDEO.contains(fourcc.toLowerCase(Locale.ROOT)) ? video : other).add(c);
      }
    }
    List<String> all = new ArrayList<>(video);
    all.addAll(other);
    return all.isEmpty() ? null : String.join(",", all);
  }

  private static String tokenParam(String token) {
    return token == null ? "" : "&token=" + enc(token);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
