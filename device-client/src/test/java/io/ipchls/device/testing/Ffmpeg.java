package io.ipchls.device.testing;

import io.ipchls.infra.TestTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** ffmpeg (Debian package ffmpeg), found through infra's {@code TestTools}: makes test media and decodes ours. */
public final class Ffmpeg {
  private Ffmpeg() {}

  /** Runs ffmpeg with {@code -v error -y} and the arguments; fails on a non-zero exit, with its output. */
  public static void run(Object... args) throws Exception {
    String out = runAllowingFailure(args);
    if (out != null) throw new AssertionError("ffmpeg failed: " + out);
  }

  /** Runs ffmpeg; null when it exits 0, else its output. */
  public static String runAllowingFailure(Object... args) throws Exception {
    Path ffmpeg = TestTools.require("ffmpeg");
    List<String> cmd = new ArrayList<>(List.of(ffmpeg.toString(), "-nostdin", "-v", "error", "-y"));
    for (Object a : args) cmd.add(a.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("ffmpeg hung");
    }
    return p.exitValue() == 0 ? null : out;
  }

  /**
   * Decodes every frame of {@code file} with {@code -xerror} (any decoding error fails): what a player would do.
   * Returns ffmpeg's error output, empty when clean.
   */
  public static String decodeStrictly(Path file) throws Exception {
    String out = runAllowingFailure("-xerror", "-i", file, "-f", "null", "-");
    return out == null ? "" : out;
  }
}
