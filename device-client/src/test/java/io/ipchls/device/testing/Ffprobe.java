package io.ipchls.device.testing;

import io.ipchls.infra.TestTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ffprobe (FFmpeg, Debian package) as an independent checker of transport streams. Where it is missing, infra's
 * {@code TestTools} decides: an error under CI=true, else the test is not run.
 */
public final class Ffprobe {
  private Ffprobe() {}

  /** Call at the start of a test that uses ffprobe, so that a missing one stops it before any work. */
  public static void require() {
    TestTools.require("ffprobe");
  }

  /** Runs ffprobe with {@code -v error} and the arguments; fails on a non-zero exit or any error output. */
  public static String run(Object... args) throws Exception {
    require();
    List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
    for (Object a : args) cmd.add(a.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("ffprobe hung");
    if (p.exitValue() != 0) throw new AssertionError("ffprobe failed: " + out);
    return out;
  }

  /** "codec_type,codec_name" per stream, e.g. {@code [video,h264, audio,aac]}. */
  public static List<String> streams(Path ts) throws Exception {
    return run("-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0", ts).strip().lines()
        .filter(l -> !l.isBlank()).distinct().toList();
  }

  /**
   * Key-frame flag and picture type of every video frame, decoding the whole file ({@code 1,I}, {@code 0,P}...).
   * Side data that ffprobe appends (x264/x265 SEI) and the empty lines it prints after it are left out.
   */
  public static List<String> videoFrames(Path ts) throws Exception {
    return run("-select_streams", "v", "-show_frames", "-show_entries", "frame=key_frame,pict_type", "-of",
        "csv=p=0", ts).strip().lines().filter(l -> !l.isBlank())
        .map(l -> String.join(",", java.util.Arrays.asList(l.split(",")).subList(0, 2))).toList();
  }
}
