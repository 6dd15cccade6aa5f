package io.ipchls.device.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.segment.Frame;
import io.ipchls.device.sim.SimulatedCamera;
import io.ipchls.device.testing.CloudPerClass;
import io.ipchls.device.testing.Ffmpeg;
import io.ipchls.device.testing.Ffprobe;
import io.ipchls.device.testing.TestCloud;
import io.ipchls.infra.Await;
import io.ipchls.protocol.SegmentNotification;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line against the real cloud: a file streamed to its end is uploaded completely, last segment too. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeviceCliTest {
  @RegisterExtension static final CloudPerClass cloud = new CloudPerClass(3600);
  @TempDir Path dir;

  @Test
  void stream_h264File_uploadsEverySegmentIncludingTheLast_andExitsZero() throws Exception {
    List<Frame> frames = new ArrayList<>();
    // 3.5 s, a key frame every second
    new SimulatedCamera(/* width= */ 320, /* height= */ 180, /* fps= */ 10, /* keyFrameInterval= */ 10,
        "cli", frames::add).generate(35);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    frames.forEach(f -> bytes.writeBytes(AnnexB.join(f.nals())));
    Path file = dir.resolve("clip.h264");
    Files.write(file, bytes.toByteArray());
    TestCloud.Registered reg = cloud.get().register("cli");

    int exit = new CommandLine(new DeviceCli()).execute("stream", file.toString(), "--fps", "10",
        "--camera-id", reg.id(), "--secret", reg.secret(), "--mqtt-host", cloud.get().mqttHost(),
        "--mqtt-port", String.valueOf(cloud.get().mqttPort()), "--segment-seconds", "1");

    assertEquals(0, exit);
    List<SegmentNotification> all = Await.until("4 notifications", TestCloud.WAIT,
        () -> cloud.get().distinctNotifications(reg.id()), l -> l.size() >= 4);
    assertEquals(List.of(0L, 1L, 2L, 3L), all.stream().map(SegmentNotification::seq).toList());
    assertEquals(List.of(1_000L, 1_000L, 1_000L, 500L), all.stream().map(SegmentNotification::durationMs).toList());
    assertEquals(4, cloud.get().keys(reg.id()).size());
  }

  @Test
  void stream_h265FileWithBFramesAndAac_uploadsPlayableHevcSegments() throws Exception {
    Path video = dir.resolve("clip.h265");
    Path audio = dir.resolve("clip.aac");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", 2, "-c:v", "libx265", "-x265-params",
        "keyint=25:min-keyint=25:scenecut=0:bframes=2:log-level=error", "-f", "hevc", video);
    Ffmpeg.run("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", 2, "-c:a", "aac", "-f", "adts",
        audio);
    TestCloud.Registered reg = cloud.get().register("cli265");

    int exit = new CommandLine(new DeviceCli()).execute("stream", video.toString(), "--audio", audio.toString(),
        "--camera-id", reg.id(), "--secret", reg.secret(), "--mqtt-host", cloud.get().mqttHost(),
        "--mqtt-port", String.valueOf(cloud.get().mqttPort()), "--segment-seconds", "1");

    assertEquals(0, exit);
    List<SegmentNotification> all = Await.until("2 notifications", TestCloud.WAIT,
        () -> cloud.get().distinctNotifications(reg.id()), l -> l.size() >= 2);
    assertEquals(List.of(1_000L, 1_000L), all.stream().map(SegmentNotification::durationMs).toList());
    for (SegmentNotification n : all) {
      assertTrue(n.codec().matches("hvc1\\.1\\.6\\.L\\d+\\.90,mp4a\\.40\\.2"), n.codec());
      assertEquals(25.0, n.frameRate());
      assertEquals(320, n.width());
      Path segment = dir.resolve("seg-" + n.seq() + ".ts");
      Files.write(segment, cloud.get().object(n.key()).asByteArray());
      assertEquals(List.of("hevc,video", "aac,audio"), Ffprobe.streams(segment));
      assertEquals("", Ffmpeg.decodeStrictly(segment));
    }
  }

  @Test
  void simulate_fmp4WithG711_uploadsFmp4WithAFlacTrack() {
    TestCloud.Registered reg = cloud.get().register("clig711");
    int exit = new CommandLine(new DeviceCli()).execute("simulate", "--container", "fmp4", "--audio", "g711-ulaw",
        "--width", "320", "--height", "180", "--fps", "10", "--duration", "3", "--camera-id", reg.id(),
        "--secret", reg.secret(), "--mqtt-host", cloud.get().mqttHost(), "--mqtt-port",
        String.valueOf(cloud.get().mqttPort()), "--segment-seconds", "1", "--status-interval", "0");
    assertEquals(0, exit);
    List<SegmentNotification> all = Await.until("2 notifications", TestCloud.WAIT,
        () -> cloud.get().distinctNotifications(reg.id()), l -> l.size() >= 2);
    for (SegmentNotification n : all) {
      assertEquals("fmp4", n.container());
      assertTrue(n.codec().endsWith(",fLaC"), n.codec());
      assertTrue(n.key().endsWith(".m4s"), n.key());
    }
  }

  @Test
  void simulate_g711WithTs_isAClearUsageError() {
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cli = new CommandLine(new DeviceCli());
    cli.setErr(new java.io.PrintWriter(err));
    int exit = cli.execute("simulate", "--audio", "g711-alaw", "--camera-id", "cli-ts-g711", "--secret", "s");
    assertEquals(2, exit, "a usage error");
    assertTrue(err.toString().contains("cannot go into MPEG-TS"), err.toString());
  }

  @Test
  void unknownContainer_isAClearUsageError() {
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cli = new CommandLine(new DeviceCli());
    cli.setErr(new java.io.PrintWriter(err));
    int exit = cli.execute("simulate", "--container", "mkv", "--camera-id", "cli-mkv", "--secret", "s");
    assertEquals(2, exit, "a usage error");
    assertTrue(err.toString().contains("unknown container \"mkv\""), err.toString());
  }

  @Test
  void stream_fileThatIsNotAnnexB_isAClearUsageError() throws Exception {
    Path notVideo = dir.resolve("notes.h265");
    Files.writeString(notVideo, "not a video at all");
    TestCloud.Registered reg = cloud.get().register("cligarbage");
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cli = new CommandLine(new DeviceCli());
    cli.setErr(new java.io.PrintWriter(err));
    int exit = cli.execute("stream", notVideo.toString(), "--camera-id", reg.id(), "--secret", reg.secret(),
        "--mqtt-host", cloud.get().mqttHost(), "--mqtt-port", String.valueOf(cloud.get().mqttPort()));
    assertEquals(2, exit, "a usage error");
    assertTrue(err.toString().contains("holds no H265 key picture"), err.toString());
  }

  @Test
  void stream_missingFile_isAClearError() {
    int exit = new CommandLine(new DeviceCli()).execute("stream", dir.resolve("nope.h264").toString(),
        "--camera-id", "cam-x", "--secret", "s");
    assertEquals(2, exit, "a usage error");
  }
}
