package io.ipchls.device.testing;

import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.ts.TestTsDemuxer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A clip encoded by ffmpeg (x264 or x265, B-frames, AAC) into MPEG-TS and taken apart by our test demuxer: the access
 * units as the encoder gave them, in decoding order with ffmpeg's PTS and DTS, and the ADTS audio with its PTS. The
 * encoder's own timestamps are the reference the SDK's output is compared with.
 */
public record EncodedClip(List<Picture> pictures, List<Audio> audio, long frameDuration90k) {
  /** One access unit in Annex-B form with ffmpeg's timestamps. */
  public record Picture(byte[] annexB, long pts90k, long dts90k, boolean randomAccess) {
    public List<byte[]> nals() {
      return AnnexB.split(annexB);
    }
  }

  /** One PES of ADTS frames. */
  public record Audio(byte[] adts, long pts90k) {}

  /** 320x240 at 25 fps, two B-frames, a closed GOP of 25 frames and no scene-cut key frames. */
  public static EncodedClip x265(Path dir, int seconds) throws Exception {
    return x265(dir, seconds, "320x240");
  }

  /** 320x240 at 25 fps, High profile with two B-frames, a key frame every 25 frames. */
  public static EncodedClip x264(Path dir, int seconds) throws Exception {
    return encode(dir, seconds, "libx264", List.of("-bf", "2", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0"),
        "320x240");
  }

  /** 320x240 at 25 fps, High profile without B-frames (PTS = DTS), a key frame every 25 frames. */
  public static EncodedClip x264NoBFrames(Path dir, int seconds) throws Exception {
    return encode(dir, seconds, "libx264", List.of("-bf", "0", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0"),
        "320x240");
  }

  /** As {@link #x265(Path, int)} at another picture size (for a configuration change). */
  public static EncodedClip x265(Path dir, int seconds, String size) throws Exception {
    return encode(dir, seconds, "libx265", List.of("-x265-params",
        "keyint=25:min-keyint=25:scenecut=0:bframes=2:open-gop=0:log-level=error"), size);
  }

  private static EncodedClip encode(Path dir, int seconds, String encoder, List<String> params, String size)
      throws Exception {
    Path ts = Files.createTempFile(dir, encoder, ".ts");
    java.util.List<Object> args = new java.util.ArrayList<>(List.of("-f", "lavfi", "-i",
        "testsrc2=size=" + size + ":rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", seconds, "-c:v", encoder));
    args.addAll(params);
    args.addAll(List.of("-c:a", "aac", "-b:a", "64k", "-f", "mpegts", ts));
    Ffmpeg.run(args.toArray());
    TestTsDemuxer d = TestTsDemuxer.demux(withoutSdt(Files.readAllBytes(ts)));
    List<Picture> pictures = d.pes.stream().filter(p -> p.streamId() == 0xE0)
        .map(p -> new Picture(p.payload(), p.pts(), p.dts(), p.randomAccess())).toList();
    List<Audio> audio = d.pes.stream().filter(p -> p.streamId() == 0xC0).map(p -> new Audio(p.payload(), p.pts()))
        .toList();
    return new EncodedClip(pictures, audio, 3_600);
  }

  /** ffmpeg's service description table (PID 0x11, ETSI EN 300 468) is of no interest and unknown to the demuxer. */
  private static byte[] withoutSdt(byte[] ts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(ts.length);
    for (int off = 0; off + 188 <= ts.length; off += 188) {
      int pid = ((ts[off + 1] & 0x1F) << 8) | (ts[off + 2] & 0xFF);
      if (pid != 0x11) out.write(ts, off, 188);
    }
    return out.toByteArray();
  }
}
