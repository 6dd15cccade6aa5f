package io.ipchls.infra;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;

/**
 * Test support: the one place that decides what a test does when an external tool it needs is missing. Under
 * {@code CI=true} (the environment variable {@code .ci/run} runs with) a missing tool is a test error, since CI
 * installs every tool and a skip there would hide a check; elsewhere the test is aborted (reported as skipped) with a
 * message naming the tool and its Debian package. Tests call {@link #require} before using a tool, never branch on
 * whether it exists.
 */
public final class TestTools {
  /** Every external tool a test uses, with the Debian package {@code .ci/run} installs it from. */
  public static final Map<String, String> DEBIAN_PACKAGES = Map.ofEntries(
      Map.entry("ffprobe", "ffmpeg"),
      Map.entry("ffmpeg", "ffmpeg"),
      Map.entry("chromium", "chromium"),
      Map.entry("chromedriver", "chromium-driver"),
      Map.entry("mosquitto", "mosquitto"),
      Map.entry("mosquitto_passwd", "mosquitto"),
      Map.entry("mosquitto_pub", "mosquitto-clients"),
      Map.entry("systemd-analyze", "systemd"),
      Map.entry("openssl", "openssl"),
      Map.entry("curl", "curl"),
      Map.entry("gst-inspect-1.0", "gstreamer1.0-tools"),
      // the gateway's RTSP test server: GStreamer's rtsp-server through PyGObject, with the encoders and payloaders
      // of its streams (x264enc in -ugly, x265enc in -bad, avenc_aac in -libav, alawenc and the payloaders in -good)
      Map.entry("gst-rtsp-server", "python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base "
          + "gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav"));

  private TestTools() {}

  /**
   * The executable {@code tool} on PATH (or in /usr/sbin, where Debian puts mosquitto).
   *
   * @throws IllegalStateException under {@code CI=true} when it is missing
   * @throws TestAbortedException elsewhere when it is missing
   */
  public static Path require(String tool) {
    String debianPackage = DEBIAN_PACKAGES.get(tool);
    if (debianPackage == null) throw new IllegalArgumentException(tool + " is not listed in TestTools (and .ci/run)");
    Optional<Path> found = find(tool);
    if (found.isPresent()) return found.get();
    String message = tool + " is not installed (Debian package " + debianPackage + "; .ci/run installs it)";
    if (inCi()) throw new IllegalStateException(message + ": CI=true, so a missing tool fails the test");
    throw new TestAbortedException(message + ": test not run");
  }

  /** True when the environment variable CI is {@code true}, as in {@code .ci/run} and most CI services. */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static Optional<Path> find(String tool) {
    String path = System.getenv("PATH");
    Stream<String> dirs = path == null ? Stream.empty() : Stream.of(path.split(File.pathSeparator));
    return Stream.concat(dirs.filter(d -> !d.isEmpty()), Stream.of("/usr/sbin"))
        .map(d -> Path.of(d, tool))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
