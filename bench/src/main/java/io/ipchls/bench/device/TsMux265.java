package io.ipchls.bench.device;

import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.h264.AnnexBReader;
import io.ipchls.device.h265.AccessUnitSplitter;
import io.ipchls.device.segment.DeviceClock;
import io.ipchls.device.segment.Frame;
import io.ipchls.device.segment.Segmenter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * H.265 MPEG-TS muxing throughput of the device client against {@code ffmpeg -c copy -f mpegts}, on the same input
 * in the same run: {@code --seconds} of 1080p25 x265 at 5 Mbit/s, GOP 3 s, no B-frames (the input of
 * {@link Fmp4Mux}). Ours: Annex-B parsing, H.265 access-unit splitting, segmenting (3 s) and TS muxing (stream type
 * 0x24) from a byte array in memory, best of {@code --runs} after warm-up. ffmpeg: the same file from the page cache
 * to {@code /dev/null}, best of the same number of runs (process start included).
 *
 * <pre>bench/run device.TsMux265 [--seconds 60] [--runs 5]</pre>
 */
@Command(name = "TsMux265", mixinStandardHelpOptions = true)
public final class TsMux265 implements Callable<Integer> {
  @Option(names = "--seconds", defaultValue = "60") int seconds;
  @Option(names = "--runs", defaultValue = "5") int runs;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TsMux265()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    System.out.printf("load average before: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    Path file = Fmp4Mux.generateHevc(seconds);
    byte[] es = Files.readAllBytes(file);
    System.out.printf("input: %s, %.1f MB%n", file, es.length / 1e6);
    for (int i = 0; i < 3; i++) muxOurs(es); // warm-up (JIT)
    double ours = 0;
    double ffmpeg = 0;
    long out = 0;
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      out = muxOurs(es);
      ours = Math.max(ours, es.length / 1e6 / ((System.nanoTime() - t0) / 1e9));
      ffmpeg = Math.max(ffmpeg, es.length / 1e6 / ffmpegSeconds(file));
    }
    System.out.printf("device-client H.265 TS : %8.1f MB/s in (%.1f MB of TS out)%n", ours, out / 1e6);
    System.out.printf("ffmpeg -c copy mpegts  : %8.1f MB/s%n", ffmpeg);
    System.out.printf("ratio ours/ffmpeg      : %8.2fx (aim >= 1.0x)%n", ours / ffmpeg);
    System.out.printf("load average after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    return 0;
  }

  /** Parses, splits, segments and muxes; returns the bytes of TS produced. */
  static long muxOurs(byte[] es) {
    LongAdder out = new LongAdder();
    Segmenter segmenter = new Segmenter(/* targetMs= */ 3_000, DeviceClock.wallOnly(() -> 1_700_000_000_000L),
        /* audio= */ false, s -> out.add(s.size()));
    AnnexBReader reader = new AnnexBReader();
    AccessUnitSplitter splitter = new AccessUnitSplitter();
    long[] index = {0};
    for (int pos = 0; pos < es.length; pos += 64 * 1024) {
      for (byte[] nal : reader.feed(es, pos, Math.min(64 * 1024, es.length - pos))) {
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
    long pts = index[0]++ * 3_600; // 25 fps, no B-frames
    segmenter.push(Frame.of(VideoCodec.H265, au, pts, pts));
  }

  private static double ffmpegSeconds(Path file) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-f", "hevc", "-framerate", "25", "-i", file.toString(),
        "-c", "copy", "-f", "mpegts", "-y", "/dev/null").redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IOException("ffmpeg failed: " + output);
    return (System.nanoTime() - t0) / 1e9;
  }
}
