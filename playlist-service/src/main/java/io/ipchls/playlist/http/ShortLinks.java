package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.ipchls.playlist.db.Segment;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short segment links for long replays: {@code s/{camera}/{grant}/{offset}.ts} relative to the playlist ({@code .m4s}
 * for a fragmented MP4 segment, and {@code .mp4} for the init segment that segment needs), where the
 * grant {@code {base}.{span}.{expires}.{mac}} says "segments of this camera starting in [base, base + span] ms, until
 * {@code expires} (epoch seconds)", signed once per playlist with HMAC-SHA256 under a key only playlist-service holds,
 * and {@code offset} is the segment's start in ms after {@code base} ({@code -n} added for the n-th of several
 * objects starting at the same millisecond). playlist-service resolves a link ({@link ShortLinkResolver}) by checking
 * the grant, then finding the camera's indexed segment starting exactly there: a redirect to a freshly presigned URL,
 * or the bytes in proxy mode. A link names neither the bucket nor an object key, never expires before the playlist
 * could have been played twice over, and opens only indexed segments of its own camera inside its playlist's range.
 * 24 h of 3 s segments compress to under 3 bytes a segment with gzip, since consecutive lines differ in a few digits
 * (a full presigned URL line is about 350 bytes, and its signature does not compress).
 */
final class ShortLinks {
  static final String PREFIX = "s";
  /** 128 bits of the MAC: forging one means guessing 2^128 values against the service. */
  private static final int MAC_BYTES = 16;
  private static final Pattern GRANT = Pattern.compile("(\\d{1,15})\\.(\\d{1,12})\\.(\\d{1,12})\\.([A-Za-z0-9_-]{22})");
  private static final Pattern FILE = Pattern.compile("(\\d{1,12})(?:-(\\d{1,4}))?\\.(ts|m4s|mp4)");
  /** The file name suffix of an fMP4 segment's link and of its init segment's. */
  static final String FMP4_SEGMENT = ".m4s";
  static final String FMP4_INIT = ".mp4";

  private final byte[] key;

  /** @param secret a secret only playlist-service instances hold; the link key is derived from it with a label */
  ShortLinks(String secret) {
    this.key = hmac(secret.getBytes(StandardCharsets.UTF_8), "ipc-hls short segment links v1");
  }

  /**
   * The links of one playlist's segments (asked for in playlist order), valid until {@code now + lifetime}; an init
   * segment's link is its segment's with {@value #FMP4_INIT} for {@value #FMP4_SEGMENT}.
   */
  SegmentLinks.Links forPlaylist(List<Segment> segments, Instant now, Duration lifetime) {
    Function<Segment, String> segmentLinks = segmentLinks(segments, now, lifetime);
    return new SegmentLinks.Links() {
      @Override
      public String segment(Segment segment) {
        return segmentLinks.apply(segment);
      }

      @Override
      public String map(Segment segment, String segmentLink) {
        return segmentLink.substring(0, segmentLink.length() - FMP4_SEGMENT.length()) + FMP4_INIT;
      }
    };
  }

  private Function<Segment, String> segmentLinks(List<Segment> segments, Instant now, Duration lifetime) {
    if (segments.isEmpty()) return s -> { throw new IllegalStateException("no segments"); };
    long base = segments.get(0).start().toEpochMilli();
    long span = segments.get(segments.size() - 1).start().toEpochMilli() - base;
    long expires = now.plus(lifetime).getEpochSecond();
    String head = PREFIX + "/" + segments.get(0).cameraId() + "/" + grant(segments.get(0).cameraId(), base, span,
        expires) + "/";
    StringBuilder line = new StringBuilder(head.length() + 24);
    long[] previous = {Long.MIN_VALUE, 0};
    return segment -> {
      long offset = segment.start().toEpochMilli() - base;
      long nth = offset == previous[0] ? previous[1] + 1 : 0;
      previous[0] = offset;
      previous[1] = nth;
      line.setLength(0);
      line.append(head).append(offset);
      if (nth > 0) line.append('-').append(nth);
      return line.append(segment.isFmp4() ? FMP4_SEGMENT : ".ts").toString();
    };
  }

  String grant(String camera, long base, long span, long expires) {
    return base + "." + span + "." + expires + "." + mac(camera, base, span, expires);
  }

  /** What a link asks for, once its grant is checked: a segment, or ({@code init}) the init segment it needs. */
  record Target(String camera, Instant start, int nth, boolean init) {}

  /**
   * @throws ApiException 403 {@code invalid_link} for a grant not made for this camera (or not by us), 403
   *     {@code link_expired} after its expiry, 404 for an offset outside the grant's range or a malformed file name
   */
  Target check(String camera, String grant, String file, Instant now) {
    Matcher g = GRANT.matcher(grant);
    if (!g.matches()) throw new ApiException(403, "invalid_link", "not a segment link of this service");
    long base = Long.parseLong(g.group(1));
    long span = Long.parseLong(g.group(2));
    long expires = Long.parseLong(g.group(3));
    byte[] expected = mac(camera, base, span, expires).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, g.group(4).getBytes(StandardCharsets.US_ASCII))) {
      throw new ApiException(403, "invalid_link", "this segment link was not made for camera " + camera);
    }
    if (now.getEpochSecond() >= expires) {
      throw new ApiException(403, "link_expired", "this segment link expired at " + Instant.ofEpochSecond(expires)
          + "; load the playlist again");
    }
    Matcher f = FILE.matcher(file);
    if (!f.matches()) throw ApiException.notFound("no such segment link: " + abbreviate(file));
    long offset = Long.parseLong(f.group(1));
    if (offset > span) throw ApiException.notFound("the segment link points outside its playlist");
    int nth = f.group(2) == null ? 0 : Integer.parseInt(f.group(2));
    return new Target(camera, Instant.ofEpochMilli(base + offset), nth, f.group(3).equals("mp4"));
  }

  private String mac(String camera, long base, long span, long expires) {
    byte[] full = hmac(key, camera + "\n" + base + "\n" + span + "\n" + expires);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, MAC_BYTES));
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
