package io.ipchls.device.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.segment.Segment;
import io.ipchls.device.segment.Segmenter;
import io.ipchls.device.testing.Ffprobe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ffprobe (FFmpeg) as an independent checker of a whole simulated-camera segment. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimulatedCameraFfprobeTest {
  @TempDir Path dir;

  @Test
  void segment_fromSimulatedCamera_isValidH264TransportStream() throws Exception {
    Ffprobe.require();
    List<Segment> segments = new ArrayList<>();
    Segmenter segmenter = new Segmenter(3_000, System::currentTimeMillis, segments::add);
    // one GOP + next key frame
    new SimulatedCamera(/* width= */ 640, /* height= */ 360, /* fps= */ 15, /* keyFrameInterval= */ 45,
        "ffprobe", segmenter::push).generate(46);
    assertEquals(1, segments.size());
    Segment s = segments.get(0);
    assertEquals(3_000, s.durationMs());
    assertEquals(640, s.width());
    assertEquals(360, s.height());
    Path ts = dir.resolve("segment.ts");
    Files.write(ts, s.bytes());

    String streams = ffprobe("-show_entries", "format=nb_streams", "-of", "csv=p=0", ts);
    assertEquals("1", streams.strip());
    // csv lists the stream once under programs and once under streams
    String stream = ffprobe("-show_entries", "stream=codec_type,codec_name,width,height", "-of", "csv=p=0", ts);
    assertEquals(List.of("h264,video,640,360"), stream.strip().lines().filter(l -> !l.isBlank()).distinct().toList());
    List<String> frames = ffprobe("-select_streams", "v", "-show_frames", "-show_entries",
        "frame=key_frame,pict_type", "-of", "csv=p=0", ts).strip().lines().toList();
    assertEquals(45, frames.size());
    assertEquals("1,I", frames.get(0));
    assertTrue(frames.subList(1, 45).stream().allMatch("0,P"::equals), frames.toString());
    double duration = Double.parseDouble(ffprobe("-show_entries", "format=duration", "-of", "csv=p=0", ts).strip());
    assertEquals(3.0, duration, 0.1);
  }

  private static String ffprobe(Object... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
    for (Object a : args) cmd.add(a.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
