package io.ipchls.device.fmp4;

import io.ipchls.device.h264.AccessUnitSplitter;
import io.ipchls.device.h264.AnnexB;
import io.ipchls.infra.TestTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test input made by ffmpeg: 320x240 25 fps video (x264 with or without B-frames, or x265), a GOP of 25 frames, in an
 * MPEG-TS whose packets give each access unit's PTS/DTS/key flag; the elementary stream copied out of it is split
 * into access units by our own Annex-B reader, so both lists line up one to one.
 */
final class TestMedia {
  /** The kinds of video input. */
  enum Video { H264, H264_BFRAMES, H265, H265_BFRAMES }

  /** An access unit with the timestamps ffmpeg gave it. */
  record Unit(List<byte[]> nals, long pts, long dts, boolean key) {}

  private TestMedia() {}

  /** Encodes {@code seconds} of test pattern (and AAC tone at 48 kHz) to a TS in {@code dir}. */
  static Path encode(Path dir, Video video, int seconds) throws Exception {
    Path ts = dir.resolve(video.name().toLowerCase() + ".ts");
    if (Files.exists(ts)) return ts;
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=25:duration=" + seconds, "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000:duration=" + seconds, "-pix_fmt", "yuv420p", "-g", "25"));
    switch (video) {
      case H264 -> cmd.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-bf", "0"));
      case H264_BFRAMES -> cmd.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-bf", "2"));
      case H265 -> cmd.addAll(List.of("-c:v", "libx265", "-preset", "ultrafast",
          "-x265-params", "log-level=error:bframes=0:open-gop=0:keyint=25:min-keyint=25"));
      case H265_BFRAMES -> cmd.addAll(List.of("-c:v", "libx265", "-preset", "ultrafast",
          "-x265-params", "log-level=error:bframes=2:open-gop=0:keyint=25:min-keyint=25"));
    }
    cmd.addAll(List.of("-c:a", "aac", "-b:a", "64k", "-f", "mpegts", "-y", ts.toString()));
    run(cmd);
    return ts;
  }

  /** The video access units of {@code ts} with their timestamps (90 kHz). */
  static List<Unit> videoUnits(Path ts, Video video) throws Exception {
    boolean hevc = video == Video.H265 || video == Video.H265_BFRAMES;
    byte[] es = run(List.of("ffmpeg", "-v", "error", "-i", ts.toString(), "-map", "0:v", "-c", "copy", "-f",
        hevc ? "hevc" : "h264", "-"));
    List<byte[]> nals = AnnexB.split(es);
    List<List<byte[]>> units = hevc ? hevcUnits(nals) : h264Units(nals);
    List<String> packets = lines(run(List.of("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries",
        "packet=pts,dts,flags", "-of", "csv=p=0", ts.toString())));
    if (packets.size() != units.size()) {
      throw new AssertionError(packets.size() + " packets but " + units.size() + " access units");
    }
    List<Unit> out = new ArrayList<>();
    for (int i = 0; i < units.size(); i++) {
      String[] f = packets.get(i).split(",");
      out.add(new Unit(units.get(i), Long.parseLong(f[0]), Long.parseLong(f[1]), f[2].startsWith("K")));
    }
    return out;
  }

  /** H.265 access units by the SDK's splitter (ITU-T H.265 §7.4.2.4.4). */
  private static List<List<byte[]>> hevcUnits(List<byte[]> nals) {
    io.ipchls.device.h265.AccessUnitSplitter splitter = new io.ipchls.device.h265.AccessUnitSplitter();
    List<List<byte[]>> units = new ArrayList<>();
    for (byte[] nal : nals) {
      List<byte[]> done = splitter.add(nal);
      if (done != null) units.add(done);
    }
    List<byte[]> last = splitter.flush();
    if (last != null) units.add(last);
    return units;
  }

  /** The ADTS frames of the TS's AAC track. */
  static List<byte[]> adtsFrames(Path ts) throws Exception {
    byte[] all = run(List.of("ffmpeg", "-v", "error", "-i", ts.toString(), "-map", "0:a", "-c", "copy", "-f", "adts",
        "-"));
    List<byte[]> frames = new ArrayList<>();
    for (int pos = 0; pos < all.length; ) {
      int length = ((all[pos + 3] & 0x03) << 11) | ((all[pos + 4] & 0xFF) << 3) | ((all[pos + 5] & 0xE0) >>> 5);
      frames.add(java.util.Arrays.copyOfRange(all, pos, pos + length));
      pos += length;
    }
    return frames;
  }

  /** {@code seconds} of 8 kHz G.711 (A-law or µ-law) from ffmpeg: 0.5 s of silence, then a tone with noise. */
  static byte[] g711(Path dir, boolean aLaw, int seconds) throws Exception {
    return run(List.of("ffmpeg", "-v", "error", "-f", "lavfi", "-i",
        "aevalsrc=if(lt(t\\,0.5)\\,0\\,0.4*sin(2*PI*440*t)+0.2*(random(0)-0.5)):s=8000:d=" + seconds,
        "-c:a", aLaw ? "pcm_alaw" : "pcm_mulaw", "-f", aLaw ? "alaw" : "mulaw", "-"));
  }

  static List<List<byte[]>> h264Units(List<byte[]> nals) {
    AccessUnitSplitter splitter = new AccessUnitSplitter();
    List<List<byte[]>> units = new ArrayList<>();
    for (byte[] nal : nals) {
      List<byte[]> done = splitter.add(nal);
      if (done != null) units.add(done);
    }
    List<byte[]> last = splitter.flush();
    if (last != null) units.add(last);
    return units;
  }

  /** Runs a tool listed in TestTools; returns its stdout, fails with its stderr on a non-zero exit. */
  static byte[] run(List<String> cmd) throws Exception {
    TestTools.require(cmd.get(0));
    Path err = Files.createTempFile("fmp4-test", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(cmd.get(0) + " hung");
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) throw new AssertionError(String.join(" ", cmd) + " failed: " + stderr);
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }

  static List<String> lines(byte[] out) {
    return new String(out, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
  }

  static void write(Path file, byte[] data) throws IOException {
    Files.write(file, data);
  }
}
