package io.ipchls.bench.device;

import io.ipchls.device.CameraMetrics;
import io.ipchls.device.DeviceSdk;
import io.ipchls.device.FrameItem;
import io.ipchls.device.FramePack;
import io.ipchls.infra.EmbeddedS3;
import io.ipchls.infra.KeyLookup;
import io.ipchls.infra.S3Options;
import io.ipchls.infra.ScratchDir;
import io.ipchls.protocol.StorageDefaults;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The smallest heap that streams a 1080p 5 Mbit/s camera with the default 4 MiB buffer without a drop. This process
 * runs the embedded S3 server; each camera runs in a child JVM with a given {@code -Xmx} (so the server's memory is
 * not counted), streams synthetic 1080p25 access units at 5 Mbit/s (an IDR of ~150 kB every 3 s, P-frames filling the
 * rest; real SPS/PPS, random slice bytes) in real time for {@code seconds}, finishes (uploading the last segment) and
 * reports its counters. A run passes when it uploaded every segment, dropped none and did not run out of memory.
 *
 * <pre>bench/run device.HeapFloor [seconds=45] [heaps in MB, e.g. 64 48 32 24 16 12]</pre>
 */
public final class HeapFloor {
  /** x264's SPS for 1920x1080 High profile, and a PPS. */
  private static final byte[] SPS = HexFormat.of().parseHex("67640028acd940780227e5c044000003000400000300083c60c658");
  private static final byte[] PPS = {0x68, (byte) 0xEE, 0x3C, (byte) 0x80};
  private static final int FPS = 25;
  private static final int BITS_PER_SECOND = 5_000_000;

  private HeapFloor() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 45;
    List<Integer> heaps = new ArrayList<>();
    for (int i = 1; i < args.length; i++) heaps.add(Integer.parseInt(args[i]));
    if (heaps.isEmpty()) heaps = List.of(64, 48, 32, 24, 16, 12);
    String key = "bench-root";
    String secret = "bench-root-secret-0123456789";
    try (ScratchDir dir = ScratchDir.create("ipchls-heapfloor");
        EmbeddedS3 s3 = EmbeddedS3.start(new S3Options(dir.path(), "127.0.0.1", 0, "bench", StorageDefaults.REGION,
            key, secret, KeyLookup.none()))) {
      System.out.printf("1080p25 at %d kbit/s for %d s per run, default 4 MiB buffer; S3 server in this process%n",
          BITS_PER_SECOND / 1000, seconds);
      for (int mb : heaps) {
        String result = child(mb, s3.endpoint(), key, secret, seconds);
        System.out.printf("%-9s %s%n", "-Xmx" + mb + "m", result);
      }
    }
  }

  private static String child(int heapMb, URI endpoint, String key, String secret, int seconds)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx" + heapMb + "m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
        "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", ""),
        "-cp", System.getProperty("java.class.path"), Camera.class.getName(), endpoint.toString(), key, secret,
        String.valueOf(seconds)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "FAIL (hung)";
    }
    String last = out.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b).orElse(null);
    if (out.contains("OutOfMemoryError")) return "FAIL (OutOfMemoryError)";
    return last == null ? "FAIL (exit " + p.exitValue() + ")" : last.substring(7);
  }

  /** The child: one camera through the SDK, paced in real time. */
  public static final class Camera {
    public static void main(String[] args) throws Exception {
      URI endpoint = URI.create(args[0]);
      int seconds = Integer.parseInt(args[3]);
      DeviceSdk sdk = DeviceSdk.initialize(4 << 20, StorageDefaults.REGION, "bench", "heap-floor", endpoint);
      sdk.setCredential(args[1], args[2], null);
      sdk.startUpload();
      Random random = new Random(1);
      int bytesPerFrame = BITS_PER_SECOND / 8 / FPS;
      int gop = 3 * FPS;
      int idr = 6 * bytesPerFrame;
      int p = (bytesPerFrame * gop - idr) / (gop - 1);
      long start = System.nanoTime();
      int frames = seconds * FPS;
      for (int i = 0; i < frames; i++) {
        LockSupport.parkNanos(start + i * 1_000_000_000L / FPS - System.nanoTime());
        boolean key = i % gop == 0;
        byte[] slice = new byte[4 + (key ? idr : p)];
        random.nextBytes(slice);
        for (int k = 0; k < slice.length; k++) if (slice[k] == 0) slice[k] = 1; // no start code emulation
        slice[0] = 0;
        slice[1] = 0;
        slice[2] = 1;
        slice[3] = (byte) (key ? 0x65 : 0x41);
        slice[4] = (byte) 0x88; // first_mb_in_slice = 0
        FramePack pack = key
            ? FramePack.of(i * 1_000_000L / FPS, FrameItem.of(annexB(SPS)), FrameItem.of(annexB(PPS)),
                FrameItem.of(slice))
            : FramePack.of(i * 1_000_000L / FPS, FrameItem.of(slice));
        sdk.putVideoFrame(pack);
      }
      sdk.finish();
      CameraMetrics m = sdk.metrics();
      Runtime rt = Runtime.getRuntime();
      boolean pass = m.segmentsDropped() == 0 && m.segmentsUploaded() == (long) Math.ceil(seconds / 3.0)
          && m.queuedSegments() == 0;
      System.out.printf("RESULT %s: %d segments uploaded (%.1f MB), %d dropped, %d upload failures, "
              + "heap used at end %.1f MB of %.0f MB%n", pass ? "PASS" : "FAIL", m.segmentsUploaded(),
          m.bytesUploaded() / 1e6, m.segmentsDropped(), m.uploadFailures(),
          (rt.totalMemory() - rt.freeMemory()) / 1e6, rt.maxMemory() / 1e6);
      System.exit(pass ? 0 : 1);
    }

    private static byte[] annexB(byte[] nal) {
      byte[] b = new byte[4 + nal.length];
      b[3] = 1;
      System.arraycopy(nal, 0, b, 4, nal.length);
      return b;
    }
  }
}
