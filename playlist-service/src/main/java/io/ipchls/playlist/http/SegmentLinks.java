package io.ipchls.playlist.http;

import io.ipchls.playlist.db.Segment;
import io.ipchls.playlist.s3.QueryPresigner;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/** How a playlist names its segments: presigned S3 URLs, or paths on this service's segment proxy. */
interface SegmentLinks {
  /**
   * The links of one playlist.
   *
   * @param now the signing time
   * @param lifetime how long the links must work
   * @param token the viewer token of the request, carried into proxy links (null in open mode)
   */
  Function<Segment, String> forPlaylist(Instant now, Duration lifetime, String token);

  /** Presigned GET URLs on the store's public endpoint. */
  static SegmentLinks presigned(QueryPresigner presigner) {
    return (now, lifetime, token) -> {
      QueryPresigner.Batch batch = presigner.batch(now, lifetime);
      return segment -> batch.url(segment.objectKey());
    };
  }

  /**
   * {@code segments/{camera}/{startMillis}/{key}} relative to the playlist (so it works behind any path prefix), the
   * viewer's token as a query parameter because players fetch segments without custom headers.
   */
  static SegmentLinks proxy() {
    return (now, lifetime, token) -> {
      String query = token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
      return segment -> {
        StringBuilder sb = new StringBuilder(96).append("segments/").append(segment.cameraId()).append('/')
            .append(segment.start().toEpochMilli()).append('/');
        for (String part : segment.objectKey().split("/", -1)) {
          sb.append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20")).append('/');
        }
        sb.setLength(sb.length() - 1);
        return sb.append(query).toString();
      };
    };
  }
}
