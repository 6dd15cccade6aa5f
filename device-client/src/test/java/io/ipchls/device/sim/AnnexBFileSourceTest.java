package io.ipchls.device.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.segment.AudioFrame;
import io.ipchls.device.segment.DeviceClock;
import io.ipchls.device.segment.Frame;
import io.ipchls.device.segment.Segment;
import io.ipchls.device.segment.Segmenter;
import io.ipchls.device.testing.Ffmpeg;
import io.ipchls.device.testing.Ffprobe;
import io.ipchls.device.ts.TestTsDemuxer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw elementary streams from x265 (open GOP, B-pyramid) and x264 ({@code -bf 2}) with an ADTS file, streamed like a
 * camera: the pictures come in the file's decoding order with the presentation times ffmpeg itself derives from the
 * same file, and the segments made of them decode with ffmpeg {@code -xerror}, also across the loop seam.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AnnexBFileSourceTest {
  private static final long WALL = 1_700_000_000_000L;

  @TempDir Path dir;

  @Test
  void h265OpenGopWithBPyramid_timestampsAreFfmpegs_andSegmentsPlay() throws Exception {
    Path clip = dir.resolve("clip.h265");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", 3, "-c:v", "libx265", "-x265-params",
        "keyint=25:min-keyint=25:scenecut=0:bframes=3:b-pyramid=1:log-level=error", "-f", "hevc", clip);
    checkAgainstFfmpeg(clip, VideoCodec.H265, "hevc");
  }

  @Test
  void h264WithBFrames_timestampsAreFfmpegs_andSegmentsPlay() throws Exception {
    Path clip = dir.resolve("clip.h264");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", 3, "-c:v", "libx264", "-bf", 2, "-g", 25,
        "-sc_threshold", 0, "-f", "h264", clip);
    checkAgainstFfmpeg(clip, VideoCodec.H264, "h264");
  }

  @Test
  void h265WithAudio_looping_continuesAcrossTheSeam() throws Exception {
    Path clip = dir.resolve("loop.h265");
    Path aac = dir.resolve("loop.aac");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", 1, "-c:v", "libx265", "-x265-params",
        "keyint=25:min-keyint=25:scenecut=0:bframes=2:log-level=error", "-f", "hevc", clip);
    Ffmpeg.run("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", 1, "-c:a", "aac", "-f", "adts", aac);
    List<Segment> segments = new ArrayList<>();
    Segmenter segmenter = new Segmenter(1_000, DeviceClock.wallOnly(() -> WALL), /* audio= */ true, segments::add);
    List<Frame> frames = new ArrayList<>();
    try (AnnexBFileSource source = new AnnexBFileSource(clip, VideoCodec.H265, 25, /* loop= */ true, f -> {
      synchronized (segmenter) {
        frames.add(f);
        segmenter.push(f);
      }
    }, aac, (adts, pts) -> {
      synchronized (segmenter) {
        segmenter.pushAudio(new AudioFrame(adts, Frame.micros90k(pts)));
      }
    })) {
      source.start(() -> { });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        synchronized (segmenter) {
          if (frames.size() >= 60) break; // 2.4 loops of 25 pictures
        }
        Thread.sleep(50);
      }
    }
    synchronized (segmenter) {
      segmenter.flush();
    }
    for (int i = 1; i < frames.size(); i++) {
      assertTrue(frames.get(i).dts90k() > frames.get(i - 1).dts90k(), "DTS increases across the seam");
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Segment s : segments) all.writeBytes(s.bytes());
    Path joined = dir.resolve("joined.ts");
    Files.write(joined, all.toByteArray());
    assertEquals(List.of("hevc,video", "aac,audio"), Ffprobe.streams(joined));
    assertEquals("", Ffmpeg.decodeStrictly(joined));
    long pictures = segments.stream().mapToLong(s -> TestTsDemuxer.demux(s.bytes()).pes.stream()
        .filter(p -> p.streamId() == 0xE0).count()).sum();
    assertEquals(pictures, Ffprobe.videoFrames(joined).size(), "every picture decodes, the seam included");
  }

  /**
   * Each picture's PTS puts it where ffmpeg's decoder outputs it: the decoder's frames, in output order, name the
   * file position of their packet, and the packets in file order are the decoding order.
   */
  private void checkAgainstFfmpeg(Path clip, VideoCodec codec, String codecName) throws Exception {
    List<Frame> frames = new ArrayList<>();
    CountDownLatch ended = new CountDownLatch(1);
    try (AnnexBFileSource source = new AnnexBFileSource(clip, codec, 25, false, frames::add)) {
      source.start(ended::countDown);
      assertTrue(ended.await(60, TimeUnit.SECONDS));
    }
    List<String> packetPositions = firstFields(Ffprobe.run("-show_packets", "-show_entries", "packet=pos", "-of",
        "csv=p=0", clip));
    List<String> outputOrder = firstFields(Ffprobe.run("-show_frames", "-show_entries", "frame=pkt_pos", "-of",
        "csv=p=0", clip));
    assertEquals(packetPositions.size(), frames.size(), "every picture of the file");
    long firstPts = frames.stream().mapToLong(Frame::pts90k).min().orElseThrow();
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      assertEquals(outputOrder.indexOf(packetPositions.get(i)) * 3_600L, f.pts90k() - firstPts, "PTS of picture " + i);
      assertEquals(i * 3_600L, f.dts90k() - frames.get(0).dts90k(), "DTS of picture " + i);
      assertTrue(f.pts90k() >= f.dts90k());
    }
    assertTrue(frames.stream().anyMatch(f -> f.pts90k() != f.dts90k()), "the clip has B-frames");
    List<Segment> segments = new ArrayList<>();
    Segmenter segmenter = new Segmenter(1_000, DeviceClock.wallOnly(() -> WALL), false, segments::add);
    frames.forEach(segmenter::push);
    segmenter.flush();
    assertEquals(3, segments.size());
    for (Segment s : segments) {
      Path file = Files.createTempFile(dir, "segment", ".ts");
      Files.write(file, s.bytes());
      assertEquals(List.of(codecName + ",video"), Ffprobe.streams(file));
      assertEquals("", Ffmpeg.decodeStrictly(file));
      assertEquals(1_000, s.durationMs());
    }
  }

  /** The first field of each non-empty csv line (ffprobe adds side data after it, and empty lines). */
  private static List<String> firstFields(String csv) {
    return csv.strip().lines().filter(l -> !l.isBlank()).map(l -> l.split(",")[0]).toList();
  }
}
