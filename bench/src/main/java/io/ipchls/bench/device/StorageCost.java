package io.ipchls.bench.device;

import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.h264.AnnexBReader;
import io.ipchls.device.segment.DeviceClock;
import io.ipchls.device.segment.Frame;
import io.ipchls.device.segment.Segment;
import io.ipchls.device.segment.Segmenter;
import io.ipchls.kit.usage.UsagePrices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Storage per camera of the same source as H.264 and H.265, each in MPEG-TS and fMP4 made by our muxers, turned into
 * the seed's cost per camera-month. The source: {@code --seconds} of ffmpeg's testsrc2 at 1080p25 with temporal noise
 * (a fixed seed), which compresses like a camera picture with sensor noise and motion, not like the bare test pattern.
 * Encoded by x264 CRF 23 and x265 CRF 28 (the usual equivalence; the SSIM of each against the source is printed to
 * check it), both {@code --preset} (veryfast: the machine has 2 cores), no B-frames and a closed GOP of 3 s, as a
 * camera streams. Each stream is cut into 3 s segments by the device client's segmenter as TS and as fMP4 (the
 * init segment counted once). Costs at the seed's 2021 prices: 7 days kept at 0.1755 CNY per GB-month, and
 * 1200 PUTs per hour at 0.00000405 CNY each (3.5 CNY a month; the fMP4 init segment adds one PUT per configuration).
 *
 * <pre>bench/run device.StorageCost [--seconds 60] [--preset veryfast]</pre>
 */
@Command(name = "StorageCost", mixinStandardHelpOptions = true)
public final class StorageCost implements Callable<Integer> {
  /** The seed's storage price, CNY per GB-month (the services' default, usage.storagePerGbMonth), and retention. */
  static final double CNY_PER_GB_MONTH = UsagePrices.SEED_STORAGE_PER_GB_MONTH;
  static final int RETENTION_DAYS = 7;
  /** The seed's price of one PUT, CNY. */
  static final double CNY_PER_PUT = UsagePrices.SEED_PER_PUT;
  /** The seed's API cost for 3 s segments: 1200 PUTs/h × 24 × 30 × 0.00000405 CNY. */
  static final double API_CNY_PER_MONTH = 1200 * 24 * 30 * CNY_PER_PUT;
  private static final Pattern SSIM = Pattern.compile("All:([0-9.]+)");

  @Option(names = "--seconds", defaultValue = "60") int seconds;
  @Option(names = "--preset", defaultValue = "veryfast") String preset;
  @Option(names = "--noise", defaultValue = "3", description = "ffmpeg noise filter strength (alls)") int noise;

  public static void main(String[] args) {
    System.exit(new CommandLine(new StorageCost()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    System.out.printf("load average before: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    String source = "testsrc2=size=1920x1080:rate=25:duration=" + seconds + ",noise=alls=" + noise
        + ":allf=t:all_seed=42";
    System.out.printf("source: %s (%d s), preset %s, no B-frames, GOP 3 s%n", source, seconds, preset);
    System.out.printf("%-6s %-5s %10s %8s %12s %12s %14s%n", "codec", "cont.", "MB", "Mbit/s", "GB/hour",
        "CNY/cam-mo", "overhead vs ES");
    for (VideoCodec codec : List.of(VideoCodec.H264, VideoCodec.H265)) {
      Path es = encode(codec, source);
      long esBytes = Files.size(es);
      System.out.printf("%s: elementary stream %.1f MB, SSIM vs source %s%n", codec, esBytes / 1e6, ssim(es, codec,
          source));
      byte[] data = Files.readAllBytes(es);
      for (Container container : List.of(Container.TS, Container.FMP4)) {
        long bytes = mux(data, codec, container);
        double perHour = bytes * 3600.0 / seconds;
        System.out.printf("%-6s %-5s %10.2f %8.2f %12.3f %12.2f %13.2f%%%n", codec, container.wireName(),
            bytes / 1e6, bytes * 8 / 1e6 / seconds, perHour / (1L << 30),
            cnyPerCameraMonth(perHour * 24, API_CNY_PER_MONTH / 30 / CNY_PER_PUT),
            100.0 * (bytes - esBytes) / esBytes);
      }
    }
    System.out.printf("(CNY/cam-mo = storage of %d days at %.4f CNY/GB-month + %.2f CNY of PUTs)%n", RETENTION_DAYS,
        CNY_PER_GB_MONTH, API_CNY_PER_MONTH);
    System.out.printf("load average after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    return 0;
  }

  /**
   * The seed's cost of a camera for a month: {@value #RETENTION_DAYS} days of its daily bytes kept at
   * {@link #CNY_PER_GB_MONTH}, and its daily PUTs at {@link #CNY_PER_PUT}, over 30 days.
   */
  static double cnyPerCameraMonth(double bytesPerDay, double putsPerDay) {
    return bytesPerDay * RETENTION_DAYS / (1L << 30) * CNY_PER_GB_MONTH + putsPerDay * 30 * CNY_PER_PUT;
  }

  /** x264 CRF 23 or x265 CRF 28 as a raw Annex-B stream (cached in the temp directory). */
  Path encode(VideoCodec codec, String source) throws IOException, InterruptedException {
    boolean hevc = codec == VideoCodec.H265;
    Path file = Path.of(System.getProperty("java.io.tmpdir"), "ipchls-storage-" + seconds + "s-n" + noise + "-"
        + preset + (hevc ? ".hevc" : ".h264"));
    if (Files.exists(file)) return file;
    Path tmp = Files.createTempFile("ipchls-storage", hevc ? ".hevc" : ".h264");
    try {
      if (hevc) {
        run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", source, "-pix_fmt", "yuv420p", "-c:v", "libx265", "-preset",
            preset, "-crf", "28", "-x265-params", "log-level=error:bframes=0:keyint=75:min-keyint=75:open-gop=0:"
                + "scenecut=0", "-f", "hevc", "-y", tmp.toString());
      } else {
        run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", source, "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset",
            preset, "-crf", "23", "-bf", "0", "-g", "75", "-keyint_min", "75", "-sc_threshold", "0", "-f", "h264",
            "-y", tmp.toString());
      }
      Files.move(tmp, file);
    } finally {
      Files.deleteIfExists(tmp); // ffmpeg failed: no half-written file left in /tmp
    }
    return file;
  }

  private static String ssim(Path es, VideoCodec codec, String source) throws IOException, InterruptedException {
    String out = run("ffmpeg", "-v", "info", "-nostats", "-f", codec == VideoCodec.H265 ? "hevc" : "h264",
        "-framerate", "25", "-i", es.toString(), "-f", "lavfi", "-i", source, "-lavfi", "[0:v][1:v]ssim", "-f",
        "null", "-");
    Matcher m = SSIM.matcher(out);
    return m.find() ? m.group(1) : "?";
  }

  /** Our segmenter's output bytes for the stream in 3 s segments, each distinct init segment counted once. */
  static long mux(byte[] es, VideoCodec codec, Container container) {
    long bytes = 0;
    Set<String> inits = new HashSet<>();
    for (Segment s : segments(es, codec, container)) {
      bytes += s.size();
      if (s.init() != null && inits.add(s.init().sha256())) bytes += s.init().bytes().length;
    }
    return bytes;
  }

  /** The stream cut into 3 s segments by our segmenter, as a camera would upload them. */
  static List<Segment> segments(byte[] es, VideoCodec codec, Container container) {
    List<Segment> out = new java.util.ArrayList<>();
    Segmenter segmenter = new Segmenter(3_000, DeviceClock.wallOnly(() -> 1_700_000_000_000L), null, container,
        out::add);
    Function<byte[], List<byte[]>> splitter = splitter(codec);
    AnnexBReader reader = new AnnexBReader();
    long[] index = {0};
    for (int pos = 0; pos < es.length; pos += 64 * 1024) {
      for (byte[] nal : reader.feed(es, pos, Math.min(64 * 1024, es.length - pos))) {
        push(segmenter, codec, splitter.apply(nal), index);
      }
    }
    for (byte[] nal : reader.flush()) push(segmenter, codec, splitter.apply(nal), index);
    push(segmenter, codec, splitter.apply(null), index);
    segmenter.flush();
    return out;
  }

  /** The codec's access-unit splitter; {@code null} in flushes it. */
  private static Function<byte[], List<byte[]>> splitter(VideoCodec codec) {
    if (codec == VideoCodec.H265) {
      io.ipchls.device.h265.AccessUnitSplitter s = new io.ipchls.device.h265.AccessUnitSplitter();
      return nal -> nal == null ? s.flush() : s.add(nal);
    }
    io.ipchls.device.h264.AccessUnitSplitter s = new io.ipchls.device.h264.AccessUnitSplitter();
    return nal -> nal == null ? s.flush() : s.add(nal);
  }

  private static void push(Segmenter segmenter, VideoCodec codec, List<byte[]> au, long[] index) {
    if (au == null) return;
    long pts = index[0]++ * 3_600; // 25 fps, no B-frames
    segmenter.push(Frame.of(codec, au, pts, pts));
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + output);
    }
    return output;
  }
}
