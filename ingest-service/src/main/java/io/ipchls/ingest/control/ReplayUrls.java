package io.ipchls.ingest.control;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The playlist-service replay URL of a time range of a camera ({@code /replay.m3u8?camera_id=&start=&end=}, as its
 * recordings API writes them), after the configured {@code playlistBaseUrl}. It carries no viewer token: the caller
 * appends {@code &token=<viewer JWT>} (or sends it as a bearer header), so ingest never holds the viewer key.
 */
public final class ReplayUrls {
  private final String base;

  public ReplayUrls(String base) {
    this.base = base == null ? "" : base;
  }

  public String of(String cameraId, Instant start, Instant end) {
    return base + "/replay.m3u8?camera_id=" + cameraId
        + "&start=" + URLEncoder.encode(start.toString(), StandardCharsets.UTF_8)
        + "&end=" + URLEncoder.encode(end.toString(), StandardCharsets.UTF_8);
  }
}
