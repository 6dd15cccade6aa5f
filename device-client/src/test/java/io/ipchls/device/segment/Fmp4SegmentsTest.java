package io.ipchls.device.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.codec.AudioCodec;
import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.flac.G711;
import io.ipchls.device.sim.G711Tone;
import io.ipchls.device.testing.EncodedClip;
import io.ipchls.device.testing.Ffmpeg;
import io.ipchls.device.testing.Ffprobe;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The segmenter writing fMP4: every video codec (H.264, H.264 with B-frames, H.265 with B-frames) alone and with AAC,
 * and H.264 with G.711 repacked as FLAC, cut into 2 s segments. ffprobe reads each init + media segment (codecs, a key
 * frame first, the video lasting what the segment reports) and all of them in a row (PTS and DTS continuous across
 * segments, audio frames back to back); ffmpeg decodes them with {@code -xerror}. Also the switch between containers
 * at a key frame, and the refusals.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class Fmp4SegmentsTest {
  private static final long WALL = 1_700_000_000_000L;
  private static final long FRAME = 3_600; // 25 fps
  private static final int SECONDS = 4;
  private static final int G711_CHUNK = 160; // 20 ms, an RTP packet's worth
  private static final int AUDIO_FRAME = 1024; // samples per AAC frame, and per FLAC frame the SDK makes

  @TempDir static Path dir;
  private static EncodedClip hevc;
  private static EncodedClip avcB;
  private static EncodedClip avc;

  @BeforeAll
  static void encode() throws Exception {
    Ffprobe.require();
    hevc = EncodedClip.x265(dir, SECONDS);
    avcB = EncodedClip.x264(dir, SECONDS);
    avc = EncodedClip.x264NoBFrames(dir, SECONDS);
  }

  @ParameterizedTest(name = "{0} + {1}")
  @CsvSource({"h264, none", "h264, aac", "h264-bframes, none", "h264-bframes, aac", "h265, none", "h265, aac",
      "h264, g711-alaw", "h264, g711-ulaw"})
  void fmp4_everyCodecCombination_playsAndIsContinuous(String video, String audio) throws Exception {
    EncodedClip clip = video.equals("h265") ? hevc : video.equals("h264") ? avc : avcB;
    VideoCodec codec = video.equals("h265") ? VideoCodec.H265 : VideoCodec.H264;
    AudioCodec audioCodec = switch (audio) {
      case "aac" -> AudioCodec.AAC;
      case "g711-alaw" -> AudioCodec.G711_ALAW;
      case "g711-ulaw" -> AudioCodec.G711_ULAW;
      default -> null;
    };
    List<Segment> segments = segment(clip, codec, audioCodec, Container.FMP4);
    assertEquals(SECONDS / 2, segments.size(), segments.toString());
    InitSegment init = segments.get(0).init();
    String videoCodec = codec == VideoCodec.H265 ? "hevc" : "h264";
    String audioName = audioCodec == null ? null : audioCodec == AudioCodec.AAC ? "aac" : "flac";
    for (Segment s : segments) {
      assertEquals(Container.FMP4, s.container());
      assertEquals(init.sha256(), s.init().sha256(), "one configuration, one init segment");
      assertEquals(Segment.sha256Hex(s.init().bytes()), s.init().sha256());
      String expectedCodecs = (codec == VideoCodec.H265 ? "hvc1\\.1\\.6\\.L\\d+\\.90" : "avc1\\.64000d")
          + (audioCodec == null ? "" : audioCodec == AudioCodec.AAC ? ",mp4a\\.40\\.2" : ",fLaC");
      assertTrue(s.codec().matches(expectedCodecs), s.codec());
      Path file = write("segment", init.bytes(), s.bytes());
      List<String> streams = Ffprobe.streams(file);
      assertEquals(audioName == null ? List.of(videoCodec + ",video")
          : List.of(videoCodec + ",video", audioName + ",audio"), streams);
      List<Packet> videoPackets = packets(file, 0);
      assertTrue(videoPackets.get(0).key(), "a segment starts with a key frame");
      long duration = videoPackets.stream().mapToLong(Packet::duration).sum();
      assertEquals(s.durationMs(), Math.round(duration / 90.0), "the video lasts what the segment reports (EXTINF)");
    }
    assertEquals(SECONDS * 1_000L, segments.stream().mapToLong(Segment::durationMs).sum(), "durations add up");
    Path all = write("all", concat(init.bytes(), segments));
    List<Packet> pictures = packets(all, 0);
    assertEquals(clip.pictures().size(), pictures.size(), "every picture, none dropped");
    for (int i = 1; i < pictures.size(); i++) {
      assertEquals(pictures.get(i - 1).dts() + FRAME, pictures.get(i).dts(), "DTS continuous at picture " + i);
    }
    List<Long> pts = pictures.stream().map(Packet::pts).sorted().toList();
    for (int i = 1; i < pts.size(); i++) assertEquals(pts.get(i - 1) + FRAME, pts.get(i), "PTS continuous");
    if (audioCodec != null) {
      List<Packet> sound = packets(all, 1);
      assertTrue(sound.size() > 10, "audio frames: " + sound.size());
      for (int i = 1; i < sound.size(); i++) {
        assertEquals(sound.get(i - 1).dts() + AUDIO_FRAME, sound.get(i).dts(), "audio frames back to back, " + i);
      }
    }
    assertEquals("", Ffmpeg.decodeStrictly(all), "ffmpeg -xerror decodes init + segments");
  }

  @Test
  void containerSwitch_takesEffectAtTheNextKeyFrame_withANewSegment() {
    List<Segment> segments = new ArrayList<>();
    Segmenter segmenter = new Segmenter(2_000, DeviceClock.wallOnly(() -> WALL), null, Container.TS, segments::add);
    List<EncodedClip.Picture> pictures = avc.pictures();
    for (int i = 0; i < pictures.size(); i++) {
      EncodedClip.Picture p = pictures.get(i);
      if (i == 30) segmenter.setContainer(Container.FMP4); // mid-GOP: the next key frame (50) switches
      segmenter.push(Frame.of(VideoCodec.H264, p.nals(), p.pts90k(), p.dts90k()));
    }
    segmenter.flush();
    assertEquals(List.of(Container.TS, Container.FMP4), segments.stream().map(Segment::container).toList());
    assertEquals(2_000, segments.get(0).durationMs(), "the TS segment ends at the key frame where fMP4 begins");
    assertNotNull(segments.get(1).init());
  }

  @Test
  void configurationChange_atAKeyFrame_startsASegmentWithANewInitSegment() throws Exception {
    EncodedClip small = EncodedClip.x265(dir, 2, "256x144");
    List<Segment> segments = new ArrayList<>();
    Segmenter segmenter = new Segmenter(2_000, DeviceClock.wallOnly(() -> WALL), null, Container.FMP4,
        segments::add);
    long shift = 0;
    for (EncodedClip clip : List.of(hevc, small)) {
      for (EncodedClip.Picture p : clip.pictures()) {
        segmenter.push(Frame.of(VideoCodec.H265, p.nals(), p.pts90k() + shift, p.dts90k() + shift));
      }
      shift = clip.pictures().size() * FRAME; // the second clip continues the first's timeline
    }
    segmenter.flush();
    assertEquals(List.of(320, 320, 256), segments.stream().map(Segment::width).toList());
    assertEquals(segments.get(0).init().sha256(), segments.get(1).init().sha256());
    assertTrue(!segments.get(1).init().sha256().equals(segments.get(2).init().sha256()), "a new init segment");
    for (Segment s : segments) {
      assertEquals("", Ffmpeg.decodeStrictly(write("cfg", s.init().bytes(), s.bytes())), "each decodes with its init");
    }
  }

  @Test
  void g711_withTs_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Segmenter(2_000,
        DeviceClock.wallOnly(() -> WALL), AudioCodec.G711_ALAW, Container.TS, s -> { }));
    assertTrue(e.getMessage().contains("G.711"), e.getMessage());
    Segmenter fmp4 = new Segmenter(2_000, DeviceClock.wallOnly(() -> WALL), AudioCodec.G711_ALAW, Container.FMP4,
        s -> { });
    assertThrows(IllegalArgumentException.class, () -> fmp4.setContainer(Container.TS));
    assertEquals(Container.FMP4, fmp4.container());
  }

  @Test
  void g711_beforeAnyVideo_isDroppedAndCounted() {
    List<Segment> segments = new ArrayList<>();
    Segmenter segmenter = new Segmenter(2_000, DeviceClock.wallOnly(() -> WALL), AudioCodec.G711_ALAW,
        Container.FMP4, segments::add);
    segmenter.pushG711(new byte[G711_CHUNK], 1_000);
    assertEquals(1, segmenter.droppedAudio());
    assertTrue(segments.isEmpty());
  }

  /** Feeds the clip in decoding order with its audio interleaved by time. */
  private static List<Segment> segment(EncodedClip clip, VideoCodec codec, AudioCodec audio, Container container) {
    List<Segment> segments = new ArrayList<>();
    Segmenter segmenter = new Segmenter(2_000, DeviceClock.wallOnly(() -> WALL), audio, container, segments::add);
    G711Tone tone = audio != null && audio.isG711()
        ? new G711Tone(audio == AudioCodec.G711_ALAW ? G711.Law.A_LAW : G711.Law.MU_LAW) : null;
    long audioStart = clip.pictures().get(0).pts90k();
    int a = 0;
    for (EncodedClip.Picture p : clip.pictures()) {
      if (audio == AudioCodec.AAC) {
        for (; a < clip.audio().size() && clip.audio().get(a).pts90k() <= p.dts90k(); a++) {
          segmenter.pushAudio(new AudioFrame(clip.audio().get(a).adts(), clip.audio().get(a).pts90k()));
        }
      }
      segmenter.push(Frame.of(codec, p.nals(), p.pts90k(), p.dts90k()));
      while (tone != null && audioStart + tone.ptsMicros() * 9 / 100 <= p.dts90k()) {
        long pts = audioStart + tone.ptsMicros() * 9 / 100;
        segmenter.pushG711(tone.next(G711_CHUNK), pts);
      }
    }
    segmenter.flush();
    assertEquals(0, segmenter.droppedFrames());
    return segments;
  }

  record Packet(long pts, long dts, long duration, boolean key) {}

  private static List<Packet> packets(Path file, int stream) throws Exception {
    return Ffprobe.run("-select_streams", String.valueOf(stream), "-show_entries", "packet=pts,dts,duration,flags",
        "-of", "csv=p=0", file).strip().lines().filter(l -> !l.isBlank()).map(l -> {
          String[] f = l.split(",");
          // ffprobe leaves the duration of the first audio packet unset (N/A); times are always there
          long duration = f[2].equals("N/A") ? -1 : Long.parseLong(f[2]);
          return new Packet(Long.parseLong(f[0]), Long.parseLong(f[1]), duration, f[3].startsWith("K"));
        }).toList();
  }

  private static byte[] concat(byte[] init, List<Segment> segments) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(init);
    for (Segment s : segments) out.writeBytes(s.bytes());
    return out.toByteArray();
  }

  private static Path write(String name, byte[]... parts) throws Exception {
    Path file = Files.createTempFile(dir, name, ".mp4");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    Files.write(file, out.toByteArray());
    return file;
  }
}
