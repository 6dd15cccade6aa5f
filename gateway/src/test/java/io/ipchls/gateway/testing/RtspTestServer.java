package io.ipchls.gateway.testing;

import io.ipchls.infra.TestTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * GStreamer's RTSP server (the Debian packages of {@code TestTools.DEBIAN_PACKAGES}' "gst-rtsp-server") serving one
 * launch line, run by {@code test-rtsp-server.py} with the system Python (which has PyGObject). It can be killed
 * and started again on the same port (a camera reboot), or frozen with SIGSTOP (a camera that stops sending without
 * closing the connection).
 */
public final class RtspTestServer implements AutoCloseable {
  /** 320x240 at 25 fps, a key frame every second: H.264 and AAC, as a typical camera's second stream. */
  public static final String H264_AAC = "( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=25/1"
      + " ! x264enc tune=zerolatency key-int-max=25 speed-preset=ultrafast bitrate=300 ! rtph264pay name=pay0 pt=96"
      + " audiotestsrc is-live=true wave=ticks ! audio/x-raw,rate=48000,channels=2 ! avenc_aac"
      + " ! rtpmp4gpay name=pay1 pt=97 )";
  public static final String H264 = "( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=25/1"
      + " ! x264enc tune=zerolatency key-int-max=25 speed-preset=ultrafast bitrate=300 ! rtph264pay name=pay0 pt=96"
      + " mtu=600 )";
  /** SPS and PPS only in the SDP's sprop-parameter-sets, never in band (a quirk of some cameras). */
  public static final String H264_SDP_PARAMETER_SETS = "( videotestsrc is-live=true"
      + " ! video/x-raw,width=320,height=240,framerate=25/1 ! x264enc tune=zerolatency key-int-max=25"
      + " speed-preset=ultrafast bitrate=300 option-string=repeat-headers=0 ! video/x-h264,stream-format=avc"
      + " ! rtph264pay name=pay0 pt=96 config-interval=0 )";
  public static final String H265 = "( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=25/1"
      + " ! x265enc tune=zerolatency key-int-max=25 speed-preset=ultrafast ! rtph265pay name=pay0 pt=96 )";
  /**
   * H.264 with two B-frames between references: RTP timestamps (PTS) arrive out of order. The Main profile caps:
   * without them x264enc negotiates Constrained Baseline with the payloader, which has no B-frames.
   */
  public static final String H264_BFRAMES = "( videotestsrc is-live=true"
      + " ! video/x-raw,width=320,height=240,framerate=25/1 ! x264enc key-int-max=25 speed-preset=ultrafast bframes=2"
      + " bitrate=300 ! video/x-h264,profile=main ! rtph264pay name=pay0 pt=96 )";
  /** H.265 with B-frames (x265's option string), parameter sets in band. */
  public static final String H265_BFRAMES = "( videotestsrc is-live=true"
      + " ! video/x-raw,width=320,height=240,framerate=25/1 ! x265enc key-int-max=25 speed-preset=ultrafast"
      + " option-string=bframes=2 ! rtph265pay name=pay0 pt=96 )";
  public static final String H264_ALAW = "( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=25/1"
      + " ! x264enc tune=zerolatency key-int-max=25 speed-preset=ultrafast bitrate=300 ! rtph264pay name=pay0 pt=96"
      + " audiotestsrc is-live=true ! audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay1 pt=8 )";
  private static final String PYTHON = "/usr/bin/python3";

  private final List<String> args;
  private final int port;
  private Process process;

  private RtspTestServer(List<String> args, int port) {
    this.args = args;
    this.port = port;
  }

  /**
   * Starts a server for {@code launch} on a free port.
   *
   * @param auth "basic", "digest" or null for none (user "admin", the given password)
   */
  public static RtspTestServer start(String launch, String auth, String password) {
    return start(launch, auth, password, 0);
  }

  /** As {@link #start(String, String, String)}, announcing a session timeout of {@code sessionTimeout} s. */
  public static RtspTestServer start(String launch, String auth, String password, int sessionTimeout) {
    requireGstreamer();
    List<String> a = new ArrayList<>(List.of("--launch", launch));
    if (sessionTimeout > 0) a.addAll(List.of("--session-timeout", Integer.toString(sessionTimeout)));
    if (auth != null) a.addAll(List.of("--user", "admin", "--password", password, "--auth", auth));
    RtspTestServer s = new RtspTestServer(a, freePort());
    s.launch();
    return s;
  }

  public static RtspTestServer start(String launch) {
    return start(launch, null, null);
  }

  /** rtsp://127.0.0.1:port/test */
  public URI url() {
    return URI.create("rtsp://127.0.0.1:" + port + "/test");
  }

  public int port() {
    return port;
  }

  /** Kills the server at once (a camera losing power). */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Starts it again on the same port (the camera back from its reboot). */
  public void restart() {
    launch();
  }

  /** SIGSTOP: the connection stays open, nothing more arrives. */
  public void freeze() throws Exception {
    signal("-STOP");
  }

  /** SIGCONT. */
  public void thaw() throws Exception {
    signal("-CONT");
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      signal("-CONT");
      process.getOutputStream().close(); // the script exits when its stdin closes
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }
  }

  private void signal(String signal) throws Exception {
    new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
  }

  private void launch() {
    try {
      Path script = Files.createTempFile("test-rtsp-server", ".py");
      try (InputStream in = RtspTestServer.class.getResourceAsStream("/rtsp/test-rtsp-server.py")) {
        Files.write(script, in.readAllBytes());
      }
      script.toFile().deleteOnExit();
      List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(), "--port", Integer.toString(port)));
      cmd.addAll(args);
      process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine(); // the port, once it listens
      if (line == null || !line.trim().equals(Integer.toString(port))) {
        throw new IllegalStateException("the RTSP test server did not start on port " + port + ": " + line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The GStreamer parts the server needs, checked as TestTools checks its tools (a failure under CI=true). */
  static void requireGstreamer() {
    TestTools.require("gst-inspect-1.0");
    List<String> missing = new ArrayList<>();
    for (String element : List.of("x264enc", "x265enc", "avenc_aac", "alawenc", "rtph264pay", "videotestsrc")) {
      if (!succeeds("gst-inspect-1.0", element)) missing.add(element);
    }
    if (!succeeds(PYTHON, "-c", "import gi; gi.require_version('GstRtspServer', '1.0')")) {
      missing.add("python3 GstRtspServer");
    }
    if (missing.isEmpty()) return;
    String message = "GStreamer parts missing: " + missing + " (Debian packages "
        + TestTools.DEBIAN_PACKAGES.get("gst-rtsp-server") + "; .ci/run installs them)";
    if (TestTools.inCi()) throw new IllegalStateException(message + ": CI=true, so this fails the test");
    throw new TestAbortedException(message);
  }

  private static boolean succeeds(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
