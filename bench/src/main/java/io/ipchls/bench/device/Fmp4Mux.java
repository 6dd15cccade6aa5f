package io.ipchls.bench.device;

import io.ipchls.device.fmp4.Fmp4Muxer;
import io.ipchls.device.fmp4.VideoSample;
import io.ipchls.device.fmp4.VideoTrack;
import io.ipchls.device.h264.AccessUnitSplitter;
import io.ipchls.device.h264.AnnexBReader;
import io.ipchls.device.h264.NalUnits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * fMP4 muxing throughput of the device client against {@code ffmpeg -c copy -f mp4 -movflags
 * frag_keyframe+empty_moov} (one fragment per key frame, as ours per segment), on the same elementary stream in the
 * same run. Input: {@code --seconds} of 1080p25 at 5 Mbit/s, GOP 3 s, no B-frames (a camera's stream), H.264 by x264
 * and H.265 by x265, made by ffmpeg from its test source. Ours: Annex-B parsing, access-unit splitting, cutting into
 * 3 s segments at key frames and fMP4 muxing (init segment + one media segment per cut) from a byte array in memory,
 * best of {@code --runs} after warm-up. ffmpeg: the same file from the page cache to {@code /dev/null}, best of the
 * same number of runs (process start included; it is small against the input).
 *
 * <pre>bench/run device.Fmp4Mux [--seconds 60] [--runs 5] [--codecs h264,h265]</pre>
 */
@Command(name = "Fmp4Mux", mixinStandardHelpOptions = true)
public final class Fmp4Mux implements Callable<Integer> {
  private static final long FRAME_90K = 3_600; // 25 fps
  private static final long SEGMENT_90K = 3 * 90_000;

  @Option(names = "--seconds", defaultValue = "60") int seconds;
  @Option(names = "--runs", defaultValue = "5") int runs;
  @Option(names = "--codecs", split = ",", defaultValue = "h264,h265") List<String> codecs;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Fmp4Mux()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    System.out.printf("load average before: %s%n", loadAverage());
    for (String codec : codecs) {
      boolean hevc = codec.equals("h265");
      Path file = hevc ? generateHevc(seconds) : MuxThroughput.generate(seconds);
      byte[] es = Files.readAllBytes(file);
      System.out.printf("%s input: %s, %.1f MB%n", codec, file, es.length / 1e6);
      for (int i = 0; i < 3; i++) muxOurs(es, hevc); // warm-up (JIT)
      double ours = 0;
      double ffmpeg = 0;
      long out = 0;
      for (int r = 0; r < runs; r++) {
        long t0 = System.nanoTime();
        out = muxOurs(es, hevc);
        ours = Math.max(ours, es.length / 1e6 / ((System.nanoTime() - t0) / 1e9));
        ffmpeg = Math.max(ffmpeg, es.length / 1e6 / ffmpegSeconds(file, hevc));
      }
      System.out.printf("%s device-client Fmp4Muxer : %8.1f MB/s in (%.1f MB of fMP4 out)%n", codec, ours, out / 1e6);
      System.out.printf("%s ffmpeg -c copy frag mp4 : %8.1f MB/s%n", codec, ffmpeg);
      System.out.printf("%s ratio ours/ffmpeg       : %8.2fx (aim >= 1.0x)%n", codec, ours / ffmpeg);
    }
    System.out.printf("load average after: %s%n", loadAverage());
    return 0;
  }

  /** Parses, splits, cuts at key frames every 3 s and muxes; returns the bytes of init + media segments. */
  static long muxOurs(byte[] es, boolean hevc) {
    AnnexBReader reader = new AnnexBReader();
    AccessUnitSplitter h264 = new AccessUnitSplitter();
    io.ipchls.device.h265.AccessUnitSplitter h265 = new io.ipchls.device.h265.AccessUnitSplitter();
    Cutter cutter = new Cutter(hevc);
    for (int pos = 0; pos < es.length; pos += 64 * 1024) {
      for (byte[] nal : reader.feed(es, pos, Math.min(64 * 1024, es.length - pos))) {
        cutter.add(hevc ? h265.add(nal) : h264.add(nal));
      }
    }
    for (byte[] nal : reader.flush()) cutter.add(hevc ? h265.add(nal) : h264.add(nal));
    cutter.add(hevc ? h265.flush() : h264.flush());
    return cutter.finish();
  }

  /** Collects access units into 3 s segments starting at key frames and muxes each when the next one begins. */
  private static final class Cutter {
    private final boolean hevc;
    private final List<VideoSample> pending = new ArrayList<>();
    private Fmp4Muxer muxer;
    private long index;
    private long segmentStart;
    private long bytes;

    Cutter(boolean hevc) {
      this.hevc = hevc;
    }

    void add(List<byte[]> au) {
      if (au == null) return;
      boolean key = hevc ? au.stream().anyMatch(n -> isIrap(n)) : NalUnits.containsIdr(au);
      long dts = index++ * FRAME_90K;
      if (muxer == null) {
        if (!key) return;
        VideoTrack.Codec codec = hevc ? VideoTrack.Codec.H265 : VideoTrack.Codec.H264;
        muxer = Fmp4Muxer.builder().video(VideoTrack.fromAccessUnit(codec, au)).build();
        bytes += muxer.initSegment().length;
        segmentStart = dts;
      } else if (key && dts - segmentStart >= SEGMENT_90K) {
        bytes += muxer.mediaSegment(pending, dts, List.of()).length;
        pending.clear();
        segmentStart = dts;
      }
      pending.add(new VideoSample(au, dts, dts, key));
    }

    long finish() {
      if (!pending.isEmpty()) bytes += muxer.mediaSegment(pending, List.of()).length;
      return bytes;
    }
  }

  /** IRAP pictures (BLA, IDR, CRA: nal_unit_type 16..23) are H.265's key frames, §7.4.2.2. */
  private static boolean isIrap(byte[] nal) {
    int type = (nal[0] >> 1) & 0x3F;
    return type >= 16 && type <= 23;
  }

  private static double ffmpegSeconds(Path file, boolean hevc) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    run("ffmpeg", "-v", "error", "-f", hevc ? "hevc" : "h264", "-framerate", "25", "-i", file.toString(), "-c",
        "copy", "-f", "mp4", "-movflags", "frag_keyframe+empty_moov", "-y", "/dev/null");
    return (System.nanoTime() - t0) / 1e9;
  }

  /** 1080p25, 5 Mbit/s, GOP 3 s, no B-frames, closed GOPs, by x265 (ultrafast: the machine has 2 cores). */
  static Path generateHevc(int seconds) throws IOException, InterruptedException {
    Path file = Path.of(System.getProperty("java.io.tmpdir"), "ipchls-bench-1080p-" + seconds + "s.hevc");
    if (Files.exists(file)) return file;
    Path tmp = Files.createTempFile("ipchls-bench", ".hevc");
    try {
      run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25:duration=" + seconds,
          "-c:v", "libx265", "-preset", "ultrafast", "-b:v", "5M", "-x265-params",
          "log-level=error:bframes=0:keyint=75:min-keyint=75:open-gop=0:scenecut=0", "-pix_fmt", "yuv420p", "-f",
          "hevc", "-y", tmp.toString());
      Files.move(tmp, file);
    } finally {
      Files.deleteIfExists(tmp); // ffmpeg failed: no half-written file left in /tmp
    }
    return file;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + output);
    }
  }
}
