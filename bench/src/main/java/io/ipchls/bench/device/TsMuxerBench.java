package io.ipchls.bench.device;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the device client's whole muxing path (Annex-B parsing, access units, segmenting, TS) over 10 s of 1080p25
 * H.264 at 5 Mbit/s (6.3 MB). MB/s = 6.3 / (seconds per op). {@link MuxThroughput} measures the same path against
 * ffmpeg in one run and prints the ratio.
 *
 * <pre>bench/run jmh TsMuxerBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TsMuxerBench {
  private byte[] h264;

  @Setup(Level.Trial)
  public void input() throws Exception {
    h264 = Files.readAllBytes(MuxThroughput.generate(10));
    System.out.printf("%n input: %.2f MB of H.264 per operation%n", h264.length / 1e6);
  }

  /** Returns the TS bytes produced, so the work cannot be optimised away. */
  @Benchmark
  public long muxTenSecondsOf1080p() {
    return MuxThroughput.muxOurs(h264);
  }
}
