package io.ipchls.bench.device;

import io.ipchls.device.fmp4.ClipPlan;
import io.ipchls.device.fmp4.ClipPlanner;
import io.ipchls.device.fmp4.ClipSegment;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Clip export's two phases on a directory of MPEG-TS segments (e.g. an hour cut by
 * {@code ffmpeg ... -f hls -hls_time 3 -hls_segment_filename 's%05d.ts'}), without the HTTP and S3 around them: plan
 * (read every segment once, keep sample tables, build the moov), then serve the whole file (rebuild every segment's
 * samples) into {@code clip.mp4} in the same directory. Prints the times and the heap the plan holds; run it with a
 * small {@code -Xmx} to see the memory bound. With the segments' playlist {@code m.m3u8} beside them, ffmpeg's
 * {@code -c copy} remux of the same hour runs after it as the comparison.
 *
 * <pre>BENCH_JAVA_OPTS=-Xmx48m bench/run device.ClipRemux DIR</pre>
 */
public final class ClipRemux {
  private ClipRemux() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    List<Path> segments = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(p -> p.toString().endsWith(".ts")).sorted().forEach(segments::add);
    }
    long t0 = System.nanoTime();
    ClipPlanner planner = new ClipPlanner();
    for (Path p : segments) {
      planner.add(ClipSegment.fromTs(Files.readAllBytes(p)), Long.MIN_VALUE, Long.MAX_VALUE, false);
    }
    ClipPlan plan = planner.plan();
    long t1 = System.nanoTime();
    System.gc();
    Runtime rt = Runtime.getRuntime();
    long heap = rt.totalMemory() - rt.freeMemory();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("clip.mp4")), 1 << 20)) {
      out.write(plan.header());
      for (ClipPlan.Piece piece : plan.pieces()) {
        byte[] ts = Files.readAllBytes(segments.get(piece.segment()));
        out.write(ClipPlan.payload(piece, ClipSegment.fromTs(ts)));
      }
    }
    long t2 = System.nanoTime();
    System.out.printf("%d segments, %.1f s of video, %d bytes (moov and headers %d), plan %.1f s, heap after plan"
        + " %d MB, serve %.1f s%n", segments.size(), plan.durationSeconds(), plan.length(), plan.headerLength(),
        (t1 - t0) / 1e9, heap >> 20, (t2 - t1) / 1e9);
    Path playlist = dir.resolve("m.m3u8");
    if (Files.exists(playlist)) { // the comparison: ffmpeg's remux of the same segments, in the same run
      long t3 = System.nanoTime();
      Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", playlist.toString(), "-c", "copy",
          dir.resolve("ffmpeg.mp4").toString()).inheritIO().start();
      int exit = p.waitFor();
      System.out.printf("ffmpeg -i m.m3u8 -c copy: %.1f s (exit %d)%n", (System.nanoTime() - t3) / 1e9, exit);
    }
  }
}
