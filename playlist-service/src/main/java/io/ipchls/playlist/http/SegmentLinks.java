package io.ipchls.playlist.http;

import io.ipchls.playlist.db.Segment;
import io.ipchls.playlist.s3.SegmentUrlSigner;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** How a playlist names a segment: a presigned S3 URL, or a path on this service's segment proxy. */
interface SegmentLinks {
  /**
   * @param lifetime how long the link must work
   * @param token the viewer token of the request, carried into proxy links (null in open mode)
   */
  String link(Segment segment, Duration lifetime, String token);

  /** Presigned GET URLs on the store's public endpoint. */
  static SegmentLinks presigned(SegmentUrlSigner signer) {
    return (segment, lifetime, token) -> signer.presignGet(segment.objectKey(), lifetime);
  }

  /**
   * {@code segments/{camera}/{startMillis}/{key}} relative to the playlist (so it works behind any path prefix), the
   * viewer's token as a query parameter because players fetch segments without custom headers.
   */
  static SegmentLinks proxy() {
    return (segment, lifetime, token) -> {
      StringBuilder sb = new StringBuilder(96).append("segments/").append(segment.cameraId()).append('/')
          .append(segment.start().toEpochMilli()).append('/');
      for (String part : segment.objectKey().split("/", -1)) {
        sb.append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20")).append('/');
      }
      sb.setLength(sb.length() - 1);
      if (token != null) sb.append("?token=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
      return sb.toString();
    };
  }
}
