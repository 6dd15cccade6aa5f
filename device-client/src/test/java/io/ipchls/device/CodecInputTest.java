package io.ipchls.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.codec.AudioInput;
import io.ipchls.device.codec.AudioSpecificConfig;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.segment.Adts;
import io.ipchls.device.segment.AudioFrame;
import io.ipchls.device.segment.DeviceClock;
import io.ipchls.device.segment.Frame;
import io.ipchls.device.segment.Segment;
import io.ipchls.device.segment.Segmenter;
import io.ipchls.device.testing.EncodedClip;
import io.ipchls.device.testing.Ffmpeg;
import io.ipchls.device.testing.Ffprobe;
import io.ipchls.device.ts.TestTsDemuxer;
import io.ipchls.device.ts.TsTrack;
import io.ipchls.device.upload.StaticCredentialSource;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the SDK does with input it cannot make a good segment of: one test per case, each error naming its reason,
 * and the stream going on afterwards where it can.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CodecInputTest {
  private static final long WALL = 1_700_000_000_000L;
  private static final long FRAME_US = 40_000;

  @TempDir static Path dir;
  private static EncodedClip hevc;
  private static EncodedClip avc;
  private final List<Camera> cameras = new ArrayList<>();
  private final List<Segment> segments = new ArrayList<>();

  @BeforeAll
  static void encode() throws Exception {
    hevc = EncodedClip.x265(dir, 2);
    avc = EncodedClip.x264(dir, 2);
  }

  @AfterEach
  void close() throws InterruptedException {
    for (Camera c : cameras) c.close();
  }

  @Test
  void h265KeyFrameWithoutVps_isRefused() {
    Camera camera = camera(VideoCodec.H265);
    List<byte[]> withoutVps = hevc.pictures().get(0).nals().stream()
        .filter(n -> VideoCodec.H265.nalType(n) != io.ipchls.device.h265.NalUnits.VPS).toList();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> camera.putFrame(AnnexB.join(withoutVps), 0));
    assertEquals("key frame without a VPS, and none was given before: a H265 stream must send its parameter sets "
        + "before or with its first key frame", e.getMessage());
    camera.putFrame(hevc.pictures().get(0).annexB(), 0); // with its VPS it is taken
  }

  @Test
  void dtsAfterPts_isRefused() {
    Camera camera = camera(VideoCodec.H265);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> camera.putFrame(hevc.pictures().get(0).annexB(), /* ptsMicros= */ 0, /* dtsMicros= */ FRAME_US));
    assertTrue(e.getMessage().startsWith("DTS 3600 is after PTS 0 (90 kHz)"), e.getMessage());
  }

  @Test
  void ptsOutOfOrderForTheDeclaredReorderDepth_isRefused() {
    Camera camera = camera(Camera.builder().video(VideoCodec.H264).reorderDepth(0));
    camera.putFrame(avc.pictures().get(0).annexB(), micros(avc.pictures().get(0).pts90k()));
    camera.putFrame(avc.pictures().get(1).annexB(), micros(avc.pictures().get(1).pts90k())); // P, 3 frames later
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, // a B-frame: its PTS goes back
        () -> camera.putFrame(avc.pictures().get(2).annexB(), micros(avc.pictures().get(2).pts90k())));
    assertTrue(e.getMessage().contains("out of order for a stream that reorders at most 0 pictures"), e.getMessage());
  }

  @Test
  void audioBeforeAnyVideo_isDropped_andTheFirstSegmentStartsWithItsKeyFrame() throws Exception {
    Segmenter segmenter = new Segmenter(1_000, DeviceClock.wallOnly(() -> WALL), /* audio= */ true, segments::add);
    List<byte[]> aac = Adts.frames();
    long videoStart = 20 * Adts.FRAME_90K;
    int a = 0;
    for (; a * Adts.FRAME_90K < videoStart; a++) segmenter.pushAudio(new AudioFrame(aac.get(a), a * Adts.FRAME_90K));
    assertEquals(a, segmenter.droppedAudio(), "no segment to put it in yet");
    for (EncodedClip.Picture p : avc.pictures()) {
      long pts = p.pts90k() - avc.pictures().get(0).pts90k() + videoStart;
      for (; a * Adts.FRAME_90K <= pts && a < aac.size(); a++) {
        segmenter.pushAudio(new AudioFrame(aac.get(a), a * Adts.FRAME_90K));
      }
      segmenter.pushDerivingDts(VideoCodec.H264, p.nals(), pts);
    }
    segmenter.flush();
    byte[] ts = segments.get(0).bytes();
    int thirdPacketPid = ((ts[2 * 188 + 1] & 0x1F) << 8) | (ts[2 * 188 + 2] & 0xFF);
    assertEquals(TsTrack.H264_VIDEO.pid(), thirdPacketPid, "PAT, PMT, then video");
    TestTsDemuxer d = TestTsDemuxer.demux(ts);
    long firstVideoPts = d.pes.stream().filter(p -> p.pid() == TsTrack.H264_VIDEO.pid()).findFirst().orElseThrow()
        .pts();
    assertTrue(d.pes.stream().filter(p -> p.pid() == TsTrack.AAC_AUDIO.pid()).allMatch(p -> p.pts() >= firstVideoPts),
        "no audio before the first picture");
    Path file = Files.createTempFile(dir, "audio-first", ".ts");
    Files.write(file, segments.get(0).bytes());
    assertEquals(List.of("h264,video", "aac,audio"), Ffprobe.streams(file));
    assertEquals("", Ffmpeg.decodeStrictly(file));
  }

  @Test
  void lengthPrefixedInsteadOfAnnexB_isRefused() {
    Camera camera = camera(VideoCodec.H264);
    byte[] nal = avc.pictures().get(0).nals().get(1);
    byte[] avcc = ByteBuffer.allocate(4 + nal.length).putInt(nal.length).put(nal).array(); // MP4 sample form
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> camera.putFrame(avcc, 0));
    assertTrue(e.getMessage().startsWith("not an Annex-B byte stream: no start code"), e.getMessage());
  }

  @Test
  void h264GivenToAnH265Camera_isRefusedAsAnotherCodec() {
    Camera camera = camera(VideoCodec.H265);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> camera.putFrame(avc.pictures().get(0).annexB(), 0));
    assertTrue(e.getMessage().contains("or not H.265 (an H.264 stream given as H.265?)"), e.getMessage());
  }

  @Test
  void h265GivenToAnH264Camera_isRefusedAsAnotherCodec() {
    Camera camera = camera(VideoCodec.H264);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> camera.putFrame(hevc.pictures().get(0).annexB(), 0));
    assertTrue(e.getMessage().contains("unspecified in H.264"), e.getMessage());
  }

  @Test
  void spsChangeInAFrameThatIsNotAKeyFrame_isRefused_andTheStreamGoesOn() throws Exception {
    EncodedClip small = EncodedClip.x265(dir, 1, "176x144");
    byte[] otherSps = small.pictures().get(0).nals().stream()
        .filter(n -> VideoCodec.H265.nalType(n) == io.ipchls.device.h265.NalUnits.SPS).findFirst().orElseThrow();
    Segmenter segmenter = new Segmenter(1_000, DeviceClock.wallOnly(() -> WALL), false, segments::add);
    for (int i = 0; i < 5; i++) push(segmenter, hevc.pictures().get(i), 0);
    List<byte[]> withNewSps = new ArrayList<>(List.of(otherSps));
    withNewSps.addAll(hevc.pictures().get(5).nals());
    EncodedClip.Picture p5 = hevc.pictures().get(5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> segmenter.push(Frame.of(VideoCodec.H265, withNewSps, p5.pts90k(), p5.dts90k())));
    assertTrue(e.getMessage().startsWith("the SPS changed in an access unit that is not a key frame"), e.getMessage());
    for (int i = 5; i < hevc.pictures().size(); i++) push(segmenter, hevc.pictures().get(i), 0);
    segmenter.flush();
    assertEquals(hevc.pictures().size(), segments.stream()
        .mapToLong(s -> TestTsDemuxer.demux(s.bytes()).pes.size()).sum(), "nothing of the refused frame");
    assertTrue(segments.stream().allMatch(s -> s.width() == 320));
  }

  @Test
  void spsChangeWithAKeyFrame_startsANewSegmentThere() throws Exception {
    EncodedClip small = EncodedClip.x265(dir, 1, "176x144");
    Segmenter segmenter = new Segmenter(3_000, DeviceClock.wallOnly(() -> WALL), false, segments::add);
    List<EncodedClip.Picture> first = hevc.pictures().subList(0, 25); // one GOP: 1 s, below the 3 s target
    for (EncodedClip.Picture p : first) push(segmenter, p, 0);
    long maxPts = first.stream().mapToLong(EncodedClip.Picture::pts90k).max().orElseThrow();
    long shift = maxPts + 3_600 - small.pictures().get(0).pts90k();
    for (EncodedClip.Picture p : small.pictures()) push(segmenter, p, shift);
    segmenter.flush();
    assertEquals(List.of(320, 176), segments.stream().map(Segment::width).toList());
    assertEquals(List.of(1_000L, 1_000L), segments.stream().map(Segment::durationMs).toList());
    for (Segment s : segments) {
      Path file = Files.createTempFile(dir, "config", ".ts");
      Files.write(file, s.bytes());
      assertEquals("", Ffmpeg.decodeStrictly(file));
      assertEquals(s.width() + "," + s.height(), Ffprobe.run("-select_streams", "v", "-show_entries",
          "stream=width,height", "-of", "csv=p=0", file).strip().lines().findFirst().orElseThrow());
    }
  }

  @Test
  void g711WithTheTsContainer_isRefusedAtBuild() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Camera.builder().cameraId("g711").credentials(new StaticCredentialSource())
            .audio(AudioInput.g711Alaw()).build());
    assertEquals("G711_ALAW audio cannot go into MPEG-TS segments: ISO/IEC 13818-1 defines no carriage for G.711; "
        + "choose the fMP4 container, or encode the audio as AAC", e.getMessage());
  }

  @Test
  void rawAac_getsTheAdtsHeaderFfmpegWrites() {
    List<byte[]> adts = Adts.frames();
    byte[] h = adts.get(0);
    int objectType = ((h[2] & 0xFF) >>> 6) + 1;
    int frequencyIndex = (h[2] >> 2) & 0x0F;
    int channels = ((h[2] & 1) << 2) | ((h[3] & 0xFF) >>> 6);
    int asc = (objectType << 11) | (frequencyIndex << 7) | (channels << 3); // ISO/IEC 14496-3 §1.6.2.1
    AudioSpecificConfig config = AudioInput.aacRaw(new byte[] {(byte) (asc >> 8), (byte) asc}).aacConfig();
    assertEquals("mp4a.40.2", config.codecString());
    for (byte[] frame : adts) {
      byte[] raw = java.util.Arrays.copyOfRange(frame, AudioSpecificConfig.ADTS_HEADER, frame.length);
      assertArrayEquals(frame, config.toAdts(raw));
    }
  }

  @Test
  void aacConfigThatAdtsCannotCarry_isRefused() {
    // audio object type 5 (SBR) signalled explicitly, 48 kHz, stereo
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AudioInput.aacRaw(new byte[] {0x29, (byte) 0x90}));
    assertTrue(e.getMessage().startsWith("audio object type 5 cannot be carried in ADTS"), e.getMessage());
  }

  private static void push(Segmenter segmenter, EncodedClip.Picture p, long shift) {
    segmenter.push(Frame.of(VideoCodec.H265, p.nals(), p.pts90k() + shift, p.dts90k() + shift));
  }

  private static long micros(long ticks90k) {
    return ticks90k * 100 / 9;
  }

  private Camera camera(VideoCodec codec) {
    return camera(Camera.builder().video(codec));
  }

  private Camera camera(CameraBuilder builder) {
    Camera c = builder.cameraId("input-test").credentials(new StaticCredentialSource()).drainMillis(0).build();
    cameras.add(c);
    return c;
  }
}
