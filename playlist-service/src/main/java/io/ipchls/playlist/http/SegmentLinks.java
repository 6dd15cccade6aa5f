package io.ipchls.playlist.http;

import io.ipchls.playlist.db.Segment;
import io.ipchls.playlist.s3.QueryPresigner;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** How a playlist names its segments: presigned S3 URLs, or paths on this service's segment proxy. */
interface SegmentLinks {
  /**
   * The links of one playlist.
   *
   * @param now the signing time
   * @param lifetime how long the links must work
   * @param token the viewer token of the request, carried into proxy links (null in open mode)
   */
  Links forPlaylist(Instant now, Duration lifetime, String token);

  /**
   * One playlist's links: a segment's, and the link of an fMP4 segment's init segment, authorized exactly like the
   * segment's own (the same signature, grant or token), given the segment's link just made.
   */
  interface Links {
    String segment(Segment segment);

    String map(Segment segment, String segmentLink);
  }

  /** Presigned GET URLs on the store's public endpoint. */
  static SegmentLinks presigned(QueryPresigner presigner) {
    return (now, lifetime, token) -> {
      QueryPresigner.Batch batch = presigner.batch(now, lifetime);
      return new Links() {
        @Override
        public String segment(Segment segment) {
          return batch.url(segment.objectKey());
        }

        @Override
        public String map(Segment segment, String segmentLink) {
          return batch.url(segment.initKey());
        }
      };
    };
  }

  /**
   * {@code segments/{camera}/{startMillis}/{key}} relative to the playlist (so it works behind any path prefix), the
   * viewer's token as a query parameter because players fetch segments without custom headers; an init segment is
   * {@code inits/{camera}/{startMillis}/{initKey}}, opened only for the init segment that segment needs.
   */
  static SegmentLinks proxy() {
    return (now, lifetime, token) -> {
      String query = token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
      return new Links() {
        @Override
        public String segment(Segment segment) {
          return path(SegmentProxy.SEGMENTS, segment, segment.objectKey()) + query;
        }

        @Override
        public String map(Segment segment, String segmentLink) {
          return path(SegmentProxy.INITS, segment, segment.initKey()) + query;
        }
      };
    };
  }

  private static String path(String root, Segment segment, String key) {
    StringBuilder sb = new StringBuilder(96).append(root).append('/').append(segment.cameraId()).append('/')
        .append(segment.start().toEpochMilli());
    for (String part : key.split("/", -1)) {
      sb.append('/').append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return sb.toString();
  }
}
