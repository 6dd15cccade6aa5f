package io.ipchls.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.device.testing.TestCloud;
import io.ipchls.infra.TestTools;
import io.ipchls.protocol.SegmentNotification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** What a viewer gets: the stored segments as an HLS replay, played by ffmpeg with every error fatal. */
public final class Replays {
  private Replays() {}

  /**
   * Downloads every segment and writes one VOD playlist per run: a new run begins at each segment the camera marked
   * as a discontinuity (its timestamps start over). ffmpeg's HLS reader does not reset its timestamps at
   * {@code #EXT-X-DISCONTINUITY} as players do, so each run is played on its own.
   */
  public static List<Path> writeRuns(TestCloud cloud, List<SegmentNotification> segments, Path dir) throws Exception {
    List<Path> playlists = new java.util.ArrayList<>();
    StringBuilder m3u8 = null;
    // by start time: seq starts again at 0 with each run (each RTSP session is a camera run)
    for (SegmentNotification n : segments.stream().sorted(java.util.Comparator.comparingLong(SegmentNotification::start)).toList()) {
      if (m3u8 == null || Boolean.TRUE.equals(n.discontinuity())) {
        if (m3u8 != null) playlists.add(finish(m3u8, dir, playlists.size()));
        m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:60\n#EXT-X-PLAYLIST-TYPE:VOD\n");
      }
      Path file = dir.resolve("seg-" + n.seq() + "-" + n.start() + ".ts");
      Files.write(file, cloud.object(n.key()).asByteArray());
      m3u8.append(String.format(Locale.ROOT, "#EXTINF:%.3f,\n%s\n", n.durationMs() / 1000.0, file.getFileName()));
    }
    if (m3u8 != null) playlists.add(finish(m3u8, dir, playlists.size()));
    return playlists;
  }

  private static Path finish(StringBuilder m3u8, Path dir, int run) throws Exception {
    m3u8.append("#EXT-X-ENDLIST\n");
    return Files.writeString(dir.resolve("replay-" + run + ".m3u8"), m3u8);
  }

  /** Decodes every frame of {@code media} with {@code -xerror}; asserts ffmpeg reports nothing at all. */
  public static void assertPlays(Path media) throws Exception {
    assertPlays(media.toString());
  }

  /** The same for a file or a URL (a playlist served by playlist-service). */
  public static void assertPlays(String media) throws Exception {
    TestTools.require("ffmpeg");
    List<String> cmd = new java.util.ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-xerror"));
    // a served playlist's segments redirect to S3 on another port: a fresh connection each, as players open them
    if (media.startsWith("http")) cmd.addAll(List.of("-http_persistent", "0"));
    cmd.addAll(List.of("-i", media, "-f", "null", "-"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) throw new AssertionError("ffmpeg hung on " + media);
    assertEquals("", out.strip(), "ffmpeg errors playing " + media);
    assertEquals(0, p.exitValue(), "ffmpeg exit status for " + media);
  }

  /** "codec_name,codec_type" of each stream ffprobe finds in a file or URL. */
  public static List<String> streams(String media) throws Exception {
    return io.ipchls.device.testing.Ffprobe.run("-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0",
        media).strip().lines().filter(l -> !l.isBlank()).distinct().toList();
  }
}
