package io.ipchls.bench.device;

import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.record.EventRecorder;
import io.ipchls.device.record.RecordingMode;
import io.ipchls.device.segment.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * PUTs, bytes and the seed's cost per camera for continuous vs event-only recording (issue 19 item 5), for H.264 in
 * MPEG-TS and H.265 in fMP4. The segments are real: {@link StorageCost}'s source (1080p25 test picture with sensor
 * noise, x264 CRF 23 / x265 CRF 28, GOP 3 s) cut into 3 s segments by the SDK's segmenter; a camera-day is those
 * segments repeated for 24 h of segment time. Continuous mode uploads every segment; event-only mode runs the SDK's
 * {@link EventRecorder} over the same day with {@code --events} triggers at random times (fixed seed), a pre-roll
 * and a post-roll, and counts what it uploads (the fMP4 init segment once a day). Costs: {@link
 * StorageCost#cnyPerCameraMonth} at the seed's 2021 prices.
 *
 * <pre>bench/run device.RecordingModes [--seconds 60] [--events 20] [--pre-roll 10] [--post-roll 20]</pre>
 */
@Command(name = "RecordingModes", mixinStandardHelpOptions = true)
public final class RecordingModes implements Callable<Integer> {
  private static final long DAY_MS = 24 * 3600 * 1000L;
  private static final long T0 = 1_780_000_000_000L;

  @Option(names = "--seconds", defaultValue = "60", description = "length of the encoded source") int seconds;
  @Option(names = "--preset", defaultValue = "veryfast") String preset;
  @Option(names = "--events", defaultValue = "20", description = "triggers per camera-day") int events;
  @Option(names = "--pre-roll", defaultValue = "10", description = "seconds") int preRoll;
  @Option(names = "--post-roll", defaultValue = "20", description = "seconds") int postRoll;
  @Option(names = "--seed", defaultValue = "42") long seed;

  /** What one camera-day uploads. */
  record Day(long puts, long bytes, long clips) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new RecordingModes()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    System.out.printf("load average before: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    StorageCost source = new StorageCost();
    source.seconds = seconds;
    source.preset = preset;
    source.noise = 3;
    String picture = "testsrc2=size=1920x1080:rate=25:duration=" + seconds + ",noise=alls=3:allf=t:all_seed=42";
    System.out.printf("source: %s, preset %s, 3 s segments; event-only: %d events/day at random times (seed %d), "
        + "pre-roll %d s, post-roll %d s%n", picture, preset, events, seed, preRoll, postRoll);
    System.out.printf("%-6s %-5s %-11s %10s %10s %8s %12s %10s%n", "codec", "cont.", "mode", "PUTs/day", "GB/day",
        "clips", "CNY/cam-mo", "vs cont.");
    for (var c : List.of(new Object[] {VideoCodec.H264, Container.TS}, new Object[] {VideoCodec.H265,
        Container.FMP4})) {
      VideoCodec codec = (VideoCodec) c[0];
      Container container = (Container) c[1];
      List<Segment> segments = StorageCost.segments(Files.readAllBytes(source.encode(codec, picture)), codec,
          container);
      segments = segments.subList(0, segments.size() - 1); // the last one is cut short by the end of the source
      Day continuous = day(segments, RecordingMode.CONTINUOUS, List.of());
      Day eventOnly = day(segments, RecordingMode.eventOnly(preRoll * 1000L, postRoll * 1000L)
          .withPreRollBytes(64L << 20), triggers());
      double base = StorageCost.cnyPerCameraMonth(continuous.bytes(), continuous.puts());
      print(codec, container, "continuous", continuous, base);
      print(codec, container, "event-only", eventOnly, base);
    }
    System.out.printf("(CNY/cam-mo = %d days kept at %.4f CNY/GB-month + PUTs at %.8f CNY, 30 days)%n",
        StorageCost.RETENTION_DAYS, StorageCost.CNY_PER_GB_MONTH, StorageCost.CNY_PER_PUT);
    System.out.printf("load average after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    return 0;
  }

  private static void print(VideoCodec codec, Container container, String mode, Day d, double base) {
    double cost = StorageCost.cnyPerCameraMonth(d.bytes(), d.puts());
    System.out.printf("%-6s %-5s %-11s %10d %10.3f %8d %12.3f %9.1f%%%n", codec, container.wireName(), mode, d.puts(),
        d.bytes() / (double) (1L << 30), d.clips(), cost, 100 * cost / base);
  }

  /** {@code events} trigger times over the day, in order. */
  private List<Long> triggers() {
    Random r = new Random(seed);
    return r.longs(events, 0, DAY_MS).sorted().boxed().toList();
  }

  /** A camera-day of the measured segments, back to back, through the SDK's event recorder. */
  private static Day day(List<Segment> measured, RecordingMode mode, List<Long> triggers) {
    long[] puts = {0};
    long[] bytes = {0};
    Set<String> inits = new HashSet<>();
    long[] now = {T0};
    EventRecorder recorder = new EventRecorder("bench", mode, () -> now[0], s -> {
      puts[0]++;
      bytes[0] += s.size();
      if (s.init() != null && inits.add(s.init().sha256())) { // content-named: uploaded once
        puts[0]++;
        bytes[0] += s.init().bytes().length;
      }
    });
    int next = 0;
    long t = T0;
    for (long seq = 0; t < T0 + DAY_MS; seq++) {
      Segment m = measured.get((int) (seq % measured.size()));
      long end = t + m.durationMs();
      // triggers that come while this segment is being recorded, at their time
      while (next < triggers.size() && T0 + triggers.get(next) < end) {
        now[0] = T0 + triggers.get(next++);
        recorder.trigger(now[0]);
      }
      now[0] = end; // the segment is cut when the frame at its end arrives
      recorder.accept(new Segment(m.bytes(), t, m.durationMs(), seq, m.width(), m.height(), m.codec(), m.sha256(),
          false, m.frameRate(), m.container(), m.init()));
      t = end;
    }
    return new Day(puts[0], bytes[0], recorder.counters().clips());
  }
}
