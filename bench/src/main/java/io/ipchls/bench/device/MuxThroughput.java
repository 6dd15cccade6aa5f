package io.ipchls.bench.device;

import io.ipchls.device.h264.AccessUnitSplitter;
import io.ipchls.device.h264.AnnexBReader;
import io.ipchls.device.segment.DeviceClock;
import io.ipchls.device.segment.Frame;
import io.ipchls.device.segment.Segmenter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Muxing throughput of the device client against {@code ffmpeg -c copy -f mpegts}, on the same H.264 input in the
 * same run. Input: {@code --seconds} of 1080p25 x264 at 5 Mbit/s without B-frames (a camera's stream), made by
 * ffmpeg from its test source. Ours: Annex-B parsing, access-unit splitting, segmenting (3 s) and TS muxing from a
 * byte array in memory, best of {@code --runs} after warm-up. ffmpeg: the same file from the page cache to
 * {@code /dev/null}, best of the same number of runs (process start included; it is small against the input).
 *
 * <pre>bench/run device.MuxThroughput [--seconds 60] [--runs 5]</pre>
 */
@Command(name = "MuxThroughput", mixinStandardHelpOptions = true)
public final class MuxThroughput implements java.util.concurrent.Callable<Integer> {
  @Option(names = "--seconds", defaultValue = "60") int seconds;
  @Option(names = "--runs", defaultValue = "5") int runs;
  @Option(names = "--input", description = "an .h264 file to use instead of a generated one") Path input;

  public static void main(String[] args) {
    System.exit(new CommandLine(new MuxThroughput()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path file = input != null ? input : generate(seconds);
    byte[] h264 = Files.readAllBytes(file);
    System.out.printf("input: %s, %.1f MB%n", file, h264.length / 1e6);
    for (int i = 0; i < 3; i++) muxOurs(h264); // warm-up (JIT)
    double ours = 0;
    double ffmpeg = 0;
    long tsBytes = 0;
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      tsBytes = muxOurs(h264);
      ours = Math.max(ours, h264.length / 1e6 / ((System.nanoTime() - t0) / 1e9));
      ffmpeg = Math.max(ffmpeg, h264.length / 1e6 / ffmpegSeconds(file));
    }
    System.out.printf("device-client TsMuxer : %8.1f MB/s of H.264 in (%.1f MB of TS out)%n", ours, tsBytes / 1e6);
    System.out.printf("ffmpeg -c copy mpegts : %8.1f MB/s%n", ffmpeg);
    System.out.printf("ratio ours/ffmpeg     : %8.2fx (aim >= 0.5x)%n", ours / ffmpeg);
    return 0;
  }

  /** Parses, splits, segments and muxes; returns the bytes of TS produced. */
  static long muxOurs(byte[] h264) {
    LongAdder out = new LongAdder();
    Segmenter segmenter = new Segmenter(/* targetMs= */ 3_000, DeviceClock.wallOnly(() -> 1_700_000_000_000L),
        /* audio= */ false, s -> out.add(s.size()));
    AnnexBReader reader = new AnnexBReader();
    AccessUnitSplitter splitter = new AccessUnitSplitter();
    long[] index = {0};
    for (int pos = 0; pos < h264.length; pos += 64 * 1024) {
      for (byte[] nal : reader.feed(h264, pos, Math.min(64 * 1024, h264.length - pos))) {
        push(segmenter, splitter.add(nal), index);
      }
    }
    for (byte[] nal : reader.flush()) push(segmenter, splitter.add(nal), index);
    push(segmenter, splitter.flush(), index);
    segmenter.flush();
    return out.sum();
  }

  private static void push(Segmenter segmenter, List<byte[]> au, long[] index) {
    if (au == null) return;
    segmenter.push(Frame.of(au, index[0]++ * 3_600)); // 25 fps
  }

  private static double ffmpegSeconds(Path file) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    run("ffmpeg", "-v", "error", "-f", "h264", "-framerate", "25", "-i", file.toString(), "-c", "copy", "-f",
        "mpegts", "-y", "/dev/null");
    return (System.nanoTime() - t0) / 1e9;
  }

  /** 1080p25, 5 Mbit/s, GOP 3 s, no B-frames: what an IP camera sends. */
  static Path generate(int seconds) throws IOException, InterruptedException {
    Path file = Path.of(System.getProperty("java.io.tmpdir"), "ipchls-bench-1080p-" + seconds + "s.h264");
    if (Files.exists(file)) return file;
    Path tmp = Files.createTempFile("ipchls-bench", ".h264");
    try {
      run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25:duration=" + seconds,
          "-c:v", "libx264", "-preset", "veryfast", "-bf", "0", "-g", "75", "-b:v", "5M", "-maxrate", "5M",
          "-bufsize", "10M", "-pix_fmt", "yuv420p", "-f", "h264", "-y", tmp.toString());
      Files.move(tmp, file);
    } finally {
      Files.deleteIfExists(tmp); // ffmpeg failed: no half-written file left in /tmp
    }
    return file;
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(Arrays.asList(cmd))).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + output);
    }
  }
}
